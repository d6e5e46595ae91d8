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
    /**
     * Also keep iteration 1's decode at full size: it denoises from the seed's initial noise before any update, so
     * it is the unguided image of the same seed (no extra UNet call; one PNG write, docs/METHOD.md §3).
     */
    saveUnguided: z.boolean().default(true),
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

/**
 * An item that would make a candidate again: same source image, seed, generation settings (all but seed and
 * perImage) and prompt text as an existing candidate, or as an item still pending in an unfinished generate job.
 */
export const GenerateRepeat = z.object({
  imageId: z.number().int(),
  seed: z.number().int(),
  /** The existing candidate; null when the repeat is an item still pending in `jobId`. */
  candidateId: z.number().int().nullable(),
  jobId: z.number().int().nullable(),
});
export type GenerateRepeat = z.infer<typeof GenerateRepeat>;

const GenerateRequest = z.object({ source: GenerateSource, settings: GenerateSettings.default(GenerateSettings.parse({})) }).strict();

export const generateRoutes = {
  'generate.start': route(
    GenerateRequest,
    z.object({
      jobId: z.number().int(),
      items: z.number().int(),
      /** Items left out because they would repeat a candidate (see generate.preview); refused when every item would. */
      skipped: z.number().int(),
      /** Queued items whose image has no context prompt yet: they fail until it has one, and a retry then uses it. */
      withoutPrompt: z.number().int(),
    }),
    'Queue a generate.candidates job: one item per (source image, seed); items that would repeat an existing candidate are skipped',
  ),
  'generate.preview': route(
    GenerateRequest,
    z.object({
      images: z.number().int(),
      items: z.number().int(),
      /** Source images without a context prompt (always empty for neg-text2img, which needs none). */
      withoutPrompt: z.array(z.number().int()),
      duplicates: z.array(GenerateRepeat),
    }),
    'What generate.start would queue: how many items, which images have no context prompt, which items would repeat a candidate',
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
