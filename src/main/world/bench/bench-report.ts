import type { GuidanceObjective } from '../../../shared/guidance';
import type { ModelRole } from '../../models';
import { FLOORS, type FloorFigures } from './floors';
import { mean, std } from './image-measures';

export interface SetFigures {
  auroc: number;
  fpr95: number;
}
/** One evaluation, in %: per OOD set and their unweighted average. */
export interface EvalFigures {
  near: SetFigures;
  far: SetFigures;
  avg: SetFigures;
}
export interface SeedFigures {
  seed: number;
  /** The labels run: tuned label features, no projection. */
  stage2: EvalFigures;
  /** The projection run with the tuned label features. */
  synood: EvalFigures;
  /** The projection run with the mined (untuned) label features. */
  projectionOnly: EvalFigures;
}
export interface VariantFigures {
  key: string;
  objective: GuidanceObjective;
  curation: boolean;
  accepted: number;
  rejected: number;
  seeds: SeedFigures[];
}
/** Generated images of one objective measured outside the generate job (world classifier, world CLIP image tower). */
export interface ObjectiveImages {
  objective: GuidanceObjective;
  n: number;
  msp: number;
  clipSimilarity: number;
}
export interface BenchFigures {
  settings: Record<string, unknown>;
  models: Partial<Record<ModelRole, 'world-trained' | 'stand-in'>>;
  baseline: EvalFigures;
  variants: VariantFigures[];
  images: ObjectiveImages[];
  floors: FloorFigures;
  seconds: { generate: number; total: number };
}

/** Images a floor on generated images needs per objective (the issue's "over ≥ 200 images"). */
export const MIN_FLOOR_IMAGES = 200;

type Pick = (e: EvalFigures) => number;
const PICKS: [string, Pick][] = [
  ['Near AUROC↑', (e) => e.near.auroc],
  ['Near FPR95↓', (e) => e.near.fpr95],
  ['Far AUROC↑', (e) => e.far.auroc],
  ['Far FPR95↓', (e) => e.far.fpr95],
  ['Avg AUROC↑', (e) => e.avg.auroc],
  ['Avg FPR95↓', (e) => e.avg.fpr95],
];

const over = (v: VariantFigures | undefined, which: 'stage2' | 'synood' | 'projectionOnly', pick: Pick) => (v ? v.seeds.map((s) => pick(s[which])) : []);
const m = (xs: number[]) => (xs.length ? mean(xs) : NaN);
const pm = (xs: number[]) => (xs.length ? `${mean(xs).toFixed(2)} ± ${std(xs).toFixed(2)}` : 'n/a');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const head = (cells: string[]) => [row(cells), row(cells.map((_, i) => (i === 0 ? '---' : '---:')))];

/** The Markdown tables, floors, verdict and RESULT line of a bench run. */
export function benchReport(f: BenchFigures): { figures: BenchFigures; text: string; result: Record<string, number> } {
  const variant = (key: string) => f.variants.find((v) => v.key === key);
  const main = variant('official');
  const seeds = main?.seeds.length ?? 0;
  const standIns = Object.entries(f.models).filter(([, p]) => p === 'stand-in').map(([r]) => r);
  const lines: string[] = [];
  if (standIns.length) lines.push(`NOTE: ${standIns.join(', ')} are factory STAND-INS with random weights: every number that depends on them means nothing yet.`, '');

  lines.push(`### Table 1: the world's OOD detection (%), official objective, auto-curated; mean ± std over ${seeds} training seed(s)`, '');
  lines.push(...head(['Method', ...PICKS.map(([n]) => n)]));
  lines.push(row(['NegLabel (zero-shot)', ...PICKS.map(([, p]) => p(f.baseline).toFixed(2))]));
  lines.push(row(['SynOOD stage 2 only (tuned labels)', ...PICKS.map(([, p]) => pm(over(main, 'stage2', p)))]));
  lines.push(row(['SynOOD (projection + tuned labels)', ...PICKS.map(([, p]) => pm(over(main, 'synood', p)))]));
  lines.push('', 'Each objective\'s synthetic set is generated once (generation seed 0); only the training seeds vary. NegLabel has no training: one value. FPR95: InD-positive (MOS / NegLabel convention).', '');

  lines.push('### Ablation: guidance objective (auto-curated; SynOOD = projection + tuned labels)', '');
  lines.push(...head(['Objective', 'Accepted', 'SynOOD Avg AUROC↑', 'SynOOD Avg FPR95↓', 'SynOOD Near AUROC↑', 'Stage 2 Avg AUROC↑', 'Images measured', 'Classifier MSP↓', 'CLIP sim. to source']));
  for (const img of f.images) {
    const v = variant(img.objective);
    lines.push(row([img.objective, v?.accepted ?? 0, pm(over(v, 'synood', (e) => e.avg.auroc)), pm(over(v, 'synood', (e) => e.avg.fpr95)), pm(over(v, 'synood', (e) => e.near.auroc)), pm(over(v, 'stage2', (e) => e.avg.auroc)), img.n, img.msp.toFixed(3), img.clipSimilarity.toFixed(3)]));
  }
  lines.push('', 'MSP: the world classifier\'s max-softmax of each generated image; similarity: cosine of the world CLIP image tower\'s embeddings of the image and its source. Both measured here, not read from the generate job.', '');

  const off = variant('official-no-curation');
  lines.push('### Ablation: auto-curation (official objective)', '');
  lines.push(...head(['Auto-curation', 'Accepted', 'Rejected', 'Avg AUROC↑', 'Avg FPR95↓']));
  for (const [name, v] of [[`on (reject source-class prob. ≥ ${String(f.settings.curationMaxSourceProb)})`, main], ['off (accept all)', off]] as const) {
    lines.push(row([name, v?.accepted ?? 0, v?.rejected ?? 0, pm(over(v, 'synood', (e) => e.avg.auroc)), pm(over(v, 'synood', (e) => e.avg.fpr95))]));
  }
  lines.push('');

  lines.push('### Ablation: fine-tuning (official objective, auto-curated)', '');
  lines.push(...head(['Fine-tuning', 'Near AUROC↑', 'Far AUROC↑', 'Avg AUROC↑', 'Avg FPR95↓']));
  for (const [name, which] of [['tuned labels, no projection (stage 2 only)', 'stage2'], ['projection, mined labels (no label tuning)', 'projectionOnly'], ['projection + tuned labels', 'synood']] as const) {
    lines.push(row([name, pm(over(main, which, (e) => e.near.auroc)), pm(over(main, which, (e) => e.far.auroc)), pm(over(main, which, (e) => e.avg.auroc)), pm(over(main, which, (e) => e.avg.fpr95))]));
  }
  lines.push('');

  const img = (o: GuidanceObjective) => f.images.find((i) => i.objective === o);
  const official = img('official');
  const none = img('none');
  const t2i = img('neg-text2img');
  const enough = (...xs: (ObjectiveImages | undefined)[]) => xs.every((x) => x && x.n >= MIN_FLOOR_IMAGES);
  const fl = f.floors;
  const floors: [string, string, string, boolean, boolean][] = [
    ['classifier InD test accuracy', `${fl.classifierAccuracy.toFixed(1)}% on ${fl.indTestImages} (record: ${fl.classifierAccuracyRecorded.toFixed(1)}% on 500)`, `≥ ${FLOORS.classifierAccuracy}%`, fl.classifierAccuracy >= FLOORS.classifierAccuracy, true],
    ['tiny-CLIP zero-shot InD accuracy', `${fl.clipZeroShotAccuracy.toFixed(1)}% on ${fl.indTestImages}`, `≥ ${FLOORS.clipZeroShotAccuracy}%`, fl.clipZeroShotAccuracy >= FLOORS.clipZeroShotAccuracy, true],
    ['NegLabel zero-shot far-OOD AUROC', fl.negLabelFarAuroc.toFixed(2), `≥ ${FLOORS.negLabelFarAuroc}`, fl.negLabelFarAuroc >= FLOORS.negLabelFarAuroc, true],
    ['official MSP < none MSP', official && none ? `${official.msp.toFixed(3)} vs ${none.msp.toFixed(3)} (n ${official.n}, ${none.n})` : 'not generated', 'lower', !!official && !!none && official.msp < none.msp, enough(official, none)],
    ['official CLIP sim. > neg-text2img', official && t2i ? `${official.clipSimilarity.toFixed(3)} vs ${t2i.clipSimilarity.toFixed(3)} (n ${official.n}, ${t2i.n})` : 'not generated', 'higher', !!official && !!t2i && official.clipSimilarity > t2i.clipSimilarity, enough(official, t2i)],
  ];
  lines.push('### Floors', '');
  lines.push(...head(['Floor', 'Measured', 'Required', 'Status']).map((l) => l.replace(/---:/g, '---')));
  for (const [name, measured, required, pass, counted] of floors) lines.push(row([name, measured, required, pass ? (counted ? 'PASS' : `pass (n < ${MIN_FLOOR_IMAGES}: not counted)`) : counted ? 'FAIL' : `fail (n < ${MIN_FLOOR_IMAGES})`]));
  lines.push('');

  const synAuroc = m(over(main, 'synood', (e) => e.avg.auroc));
  const synFpr = m(over(main, 'synood', (e) => e.avg.fpr95));
  const beats = synAuroc > f.baseline.avg.auroc && synFpr <= f.baseline.avg.fpr95;
  lines.push(
    `VERDICT: SynOOD ${beats ? 'BEAT' : 'did NOT beat'} zero-shot NegLabel in this world: average AUROC ${synAuroc.toFixed(2)} vs ${f.baseline.avg.auroc.toFixed(2)}, average FPR95 ${synFpr.toFixed(2)} vs ${f.baseline.avg.fpr95.toFixed(2)} (beat = higher AUROC and no higher FPR95, means over ${seeds} seed(s))${standIns.length ? `; with stand-in ${standIns.join(', ')} this says nothing about the method` : ''}.`,
  );

  const result: Record<string, number> = {
    neglabel_near_auroc: f.baseline.near.auroc,
    neglabel_far_auroc: f.baseline.far.auroc,
    neglabel_avg_auroc: f.baseline.avg.auroc,
    neglabel_avg_fpr95: f.baseline.avg.fpr95,
    stage2_avg_auroc: m(over(main, 'stage2', (e) => e.avg.auroc)),
    stage2_avg_fpr95: m(over(main, 'stage2', (e) => e.avg.fpr95)),
    synood_near_auroc: m(over(main, 'synood', (e) => e.near.auroc)),
    synood_far_auroc: m(over(main, 'synood', (e) => e.far.auroc)),
    synood_avg_auroc: synAuroc,
    synood_avg_auroc_std: std(over(main, 'synood', (e) => e.avg.auroc)),
    synood_avg_fpr95: synFpr,
    projection_only_avg_auroc: m(over(main, 'projectionOnly', (e) => e.avg.auroc)),
    curation_off_avg_auroc: m(over(off, 'synood', (e) => e.avg.auroc)),
  };
  for (const i of f.images) {
    const k = i.objective.replace(/-/g, '_');
    result[`obj_${k}_avg_auroc`] = m(over(variant(i.objective), 'synood', (e) => e.avg.auroc));
    result[`msp_${k}`] = i.msp;
    result[`sim_${k}`] = i.clipSimilarity;
  }
  Object.assign(result, {
    classifier_acc: fl.classifierAccuracy,
    clip_zero_shot_acc: fl.clipZeroShotAccuracy,
    floors_passed: floors.filter(([, , , pass, counted]) => pass && counted).length,
    floors_total: floors.length,
    synood_beats_neglabel: beats ? 1 : 0,
    seconds: f.seconds.total,
  });
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(4));
  lines.push('', `RESULT ${Object.entries(result).map(([k, v]) => `${k}=${fmt(v)}`).join(' ')}`);
  return { figures: f, text: lines.join('\n'), result };
}
