import { GenerateSettings, type GenerateSource } from '../../shared/api/routes/generate';
import { GUIDANCE_DEFAULTS as D, GUIDANCE_OBJECTIVES } from '../../shared/guidance';
import type { ShardStage } from './shard-spec';
import type { ShardPlan } from './work';

/** The command-line flags of a plan: one table, read by the CLI and written by the Slurm and Kubernetes writers. */
export const SETTING_FLAGS = [
  { key: 'objective', flag: '--objective', arg: '<name>', text: true, help: `${GUIDANCE_OBJECTIVES.join(' | ')} (default ${D.objective})` },
  { key: 'strength', flag: '--strength', arg: '<x>', text: false, help: `img2img strength (default ${D.strength})` },
  { key: 'steps', flag: '--steps', arg: '<n>', text: false, help: `scheduler steps (default ${D.steps})` },
  { key: 'guidance', flag: '--guidance', arg: '<x>', text: false, help: `classifier-free guidance scale (default ${D.guidance})` },
  { key: 'iterations', flag: '--iterations', arg: '<n>', text: false, help: `guidance iterations (default ${D.iterations})` },
  { key: 'lr', flag: '--lr', arg: '<x>', text: false, help: `guidance step size r, w.r.t. the decoder input (default ${D.lr})` },
  { key: 'seed', flag: '--seed', arg: '<n>', text: false, help: `first seed (default ${D.seed})` },
  { key: 'perImage', flag: '--per-image', arg: '<n>', text: false, help: `candidates per source image, seeds seed.. (default ${D.perImage})` },
  { key: 'reduction', flag: '--reduction', arg: '<r>', text: true, help: `per-image | batch-mean (default ${D.reduction})` },
  { key: 'batchSize', flag: '--batch-size', arg: '<n>', text: false, help: `B of batch-mean (default ${D.batchSize})` },
  { key: 'officialTarget', flag: '--official-target', arg: '<x>', text: false, help: `official loss target t (default ${D.officialTarget})` },
  { key: 'energyMargin', flag: '--energy-margin', arg: '<x>', text: false, help: `energy hinge m_out (default ${D.energyMargin})` },
  { key: 'energyTemperature', flag: '--energy-temperature', arg: '<x>', text: false, help: `energy τ (default ${D.energyTemperature})` },
  { key: 'vaeLatent', flag: '--vae-latent', arg: '<m>', text: true, help: `sample | mean (default ${D.vaeLatent})` },
  { key: 'resizeFilter', flag: '--resize-filter', arg: '<f>', text: true, help: `bilinear-antialias | bilinear (default ${D.resizeFilter})` },
] as const;

export const SOURCE_FLAGS = [
  { key: 'classes', flag: '--classes', arg: '<ids>', help: 'comma-separated class ids (default: the InD subset)' },
  { key: 'images', flag: '--images', arg: '<ids>', help: 'comma-separated image ids (default: the InD subset)' },
] as const;

export class PlanFlagError extends Error {}

function idList(flag: string, text: string): number[] {
  const ids = text.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (ids.length === 0 || ids.some((n) => !Number.isInteger(n))) throw new PlanFlagError(`${flag} takes comma-separated integer ids, got '${text}'`);
  return ids;
}

/** Reads a plan from flag values (strings, as a command line gives them). Defaults are filled in, so the plan is explicit. */
export function planFromFlags(stage: ShardStage, values: Record<string, unknown>): ShardPlan {
  const str = (k: string) => (values[k] === undefined || values[k] === null ? undefined : String(values[k]));
  if (str('classes') !== undefined && str('images') !== undefined) throw new PlanFlagError('give --classes or --images, not both');
  const classes = str('classes');
  const images = str('images');
  const source: GenerateSource = classes ? { type: 'classes', classIds: idList('--classes', classes) } : images ? { type: 'images', imageIds: idList('--images', images) } : { type: 'subset' };
  if (stage === 'describe') return { stage, source };
  const raw: Record<string, unknown> = {};
  for (const f of SETTING_FLAGS) {
    const v = str(f.key);
    if (v === undefined) continue;
    raw[f.key] = f.text ? v : Number(v);
  }
  const parsed = GenerateSettings.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = SETTING_FLAGS.find((f) => f.key === issue.path[0])?.flag ?? String(issue.path[0]);
    throw new PlanFlagError(`${flag}: ${issue.message}`);
  }
  return { stage, source, settings: parsed.data };
}

/** The flags that give back exactly `plan` (every setting written out: a later build's defaults cannot drift it). */
export function planToFlags(plan: ShardPlan): string[] {
  const args: string[] = [];
  if (plan.source.type === 'classes') args.push('--classes', plan.source.classIds.join(','));
  if (plan.source.type === 'images') args.push('--images', plan.source.imageIds.join(','));
  if (plan.stage === 'generate') for (const f of SETTING_FLAGS) args.push(f.flag, String(plan.settings[f.key]));
  return args;
}
