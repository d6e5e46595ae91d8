import { z } from 'zod';
import { route } from '../route';
import { GUIDANCE_DEFAULTS as D, GuidanceObjective, GuidanceReduction, ResizeFilter, VaeLatentMode } from '../../guidance';
import { IterationPreview } from './candidate-detail';

/**
 * One generation's settings; defaults from GUIDANCE_DEFAULTS (docs/METHOD.md §3), which says whose value each is.
 * The objective's constants, the loss reduction, the VAE latent mode and the resize filter are the paper-vs-code
 * switches: they are recorded with every candidate.
 */
export const GenerateSettings = z
  .object({
    objective: GuidanceObjective.default(D.objective),
    strength: z.number().gt(0).max(1).default(D.strength),
    steps: z.number().int().min(1).max(1000).default(D.steps),
    guidance: z.number().min(1).max(30).default(D.guidance),
    iterations: z.number().int().min(1).max(20).default(D.iterations),
    lr: z.number().positive().max(1e12).default(D.lr),
    seed: z.number().int().min(0).default(D.seed),
    perImage: z.number().int().min(1).max(16).default(D.perImage),
    reduction: GuidanceReduction.default(D.reduction),
    /** B of the batch-mean reduction; 1 with per-image. */
    batchSize: z.number().int().min(1).max(256).default(D.batchSize),
    officialTarget: z.number().min(-1e4).max(1e4).default(D.officialTarget),
    energyMargin: z.number().min(-1e4).max(1e4).default(D.energyMargin),
    energyTemperature: z.number().positive().max(1e4).default(D.energyTemperature),
    vaeLatent: VaeLatentMode.default(D.vaeLatent),
    resizeFilter: ResizeFilter.default(D.resizeFilter),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.reduction === 'per-image' && s.batchSize !== 1) {
      ctx.addIssue({ code: 'custom', path: ['batchSize'], message: `batchSize ${s.batchSize} needs reduction 'batch-mean' (per-image means B = 1)` });
    }
  });
export type GenerateSettings = z.infer<typeof GenerateSettings>;

export const GenerateSource = z.discriminatedUnion('type', [
  /** The InD subset (§1): images marked selected in the InD training sets. */
  z.object({ type: z.literal('subset') }),
  z.object({ type: z.literal('classes'), classIds: z.array(z.number().int()).min(1).max(100_000) }),
  z.object({ type: z.literal('images'), imageIds: z.array(z.number().int()).min(1).max(100_000) }),
]);
export type GenerateSource = z.infer<typeof GenerateSource>;

export const generateRoutes = {
  'generate.start': route(
    z.object({ source: GenerateSource, settings: GenerateSettings.default(GenerateSettings.parse({})) }).strict(),
    z.object({ jobId: z.number().int(), items: z.number().int() }),
    'Queue a generate.candidates job: one item per (source image, seed)',
  ),
  'generate.live': route(
    z.object({ jobId: z.number().int() }).strict(),
    z.object({
      done: z.number().int(),
      latest: z
        .object({ candidateId: z.number().int(), sourceThumbPath: z.string().nullable(), thumbPath: z.string().nullable(), previews: z.array(IterationPreview), losses: z.array(z.number()) })
        .nullable(),
    }),
    'The newest candidate a generate job wrote, with its iterations and losses',
  ),
} as const;
