import type { Command } from 'commander';
import { runJobCommand } from '../job-command';
import { choice, given, idList, intArg, jsonOption, numArg, projectDir, projectOption, waitOption } from '../options';
import { CliError, EXIT } from '../output';
import { GUIDANCE_DEFAULTS as D, GUIDANCE_OBJECTIVES, GuidanceReduction, OBJECTIVE_INFO, ResizeFilter, VaeLatentMode, type GuidanceObjective } from '../../shared/guidance';
import type { GenerateSource } from '../../shared/api/routes/generate';

interface GenerateOptions {
  /** commander sets false for --no-unguided, true otherwise. */
  unguided?: boolean;
  objective?: GuidanceObjective;
  strength?: number;
  steps?: number;
  guidance?: number;
  iterations?: number;
  lr?: number;
  seed?: number;
  perImage?: number;
  reduction?: GuidanceReduction;
  batchSize?: number;
  officialTarget?: number;
  energyMargin?: number;
  energyTemperature?: number;
  vaeLatent?: VaeLatentMode;
  resizeFilter?: ResizeFilter;
  subset?: boolean;
  classes?: number[];
  images?: number[];
  project?: string;
  json?: boolean;
  wait: boolean;
}

function source(o: GenerateOptions): GenerateSource {
  const chosen = [o.subset, o.classes, o.images].filter((v) => v !== undefined).length;
  if (chosen > 1) throw new CliError('give at most one of --subset, --classes, --images', EXIT.usage);
  if (o.classes) return { type: 'classes', classIds: o.classes };
  if (o.images) return { type: 'images', imageIds: o.images };
  return { type: 'subset' };
}

export function registerGenerate(program: Command): void {
  // Defaults are left to the API contract (GenerateSettings: the paper's values); the help repeats them, and a
  // test checks the two agree.
  const cmd = program
    .command('generate')
    .description('synthesize near-boundary OOD candidates by guided inpainting (a generate.candidates job, one item per source image and seed)')
    .option('--objective <o>', `guidance objective: ${GUIDANCE_OBJECTIVES.map((o) => `${o} (${OBJECTIVE_INFO[o].label}, ${OBJECTIVE_INFO[o].source})`).join(' | ')}; default ${D.objective}`, choice(GUIDANCE_OBJECTIVES))
    .option('--strength <x>', 'inpainting strength (default 0.6)', numArg)
    .option('--steps <n>', 'PNDM denoising steps (default 20)', intArg)
    .option('--guidance <x>', 'classifier-free guidance scale (default 8)', numArg)
    .option('--iterations <n>', 'guided latent-update iterations (default 3)', intArg)
    .option('--lr <x>', `step size r of ε ← ε − (r/B)·∂L/∂u, u the decoder input (default ${D.lr}, the paper's)`, numArg)
    .option('--reduction <r>', `loss reduction: per-image (B = 1) | batch-mean (the official script's mean over B images); default ${D.reduction}`, choice(GuidanceReduction.options))
    .option('--batch-size <n>', 'B of --reduction batch-mean', intArg)
    .option('--official-target <x>', `official objective: target t of (t − s)² (default ${D.officialTarget})`, numArg)
    .option('--energy-margin <x>', `energy objective: m_out of max(0, m_out − E)² (default ${D.energyMargin})`, numArg)
    .option('--energy-temperature <x>', `energy objective: τ of E = −τ·logsumexp(f/τ) (default ${D.energyTemperature})`, numArg)
    .option('--vae-latent <m>', `source latent: sample (seeded posterior sample, the official pipeline) | mean; default ${D.vaeLatent}`, choice(VaeLatentMode.options))
    .option('--resize-filter <f>', `classifier resize: bilinear-antialias (torchvision ≥ 0.17) | bilinear; default ${D.resizeFilter}`, choice(ResizeFilter.options))
    .option('--seed <n>', 'first seed (default 0)', intArg)
    .option('--per-image <n>', 'candidates per source image, seeds seed..seed+n-1 (default 1)', intArg)
    .option('--no-unguided', "don't keep each candidate's unguided image (iteration 1's decode, one PNG per candidate; kept by default)")
    .option('--subset', 'generate from the selected InD subset (the default source)')
    .option('--classes <ids>', 'generate from every image of these class ids', idList)
    .option('--images <ids>', 'generate from these image ids', idList);
  waitOption(jsonOption(projectOption(cmd))).action(async (o: GenerateOptions) => {
    const settings = given({
      objective: o.objective,
      strength: o.strength,
      steps: o.steps,
      guidance: o.guidance,
      iterations: o.iterations,
      lr: o.lr,
      seed: o.seed,
      perImage: o.perImage,
      reduction: o.reduction,
      batchSize: o.batchSize,
      officialTarget: o.officialTarget,
      energyMargin: o.energyMargin,
      energyTemperature: o.energyTemperature,
      vaeLatent: o.vaeLatent,
      resizeFilter: o.resizeFilter,
      saveUnguided: o.unguided,
    });
    const src = source(o);
    await runJobCommand({
      project: projectDir(o),
      json: !!o.json,
      wait: o.wait,
      label: 'generate',
      start: (call) => call('generate.start', { source: src, settings }),
      result: async (call, started) => ({ candidates: (await call('generate.live', { jobId: started.jobId })).done }),
      human: (r, started) => `generated ${r.candidates} of ${started.items} candidates (job #${started.jobId}); curate them with synood accept or in the studio`,
    });
  });
}
