import { z } from 'zod';
import { route } from '../route';
import { Objective } from './candidates';
import { IterationPreview } from './candidate-detail';

/** The paper's defaults (SYNOOD.md §3): strength 0.6, 20 PNDM steps, CFG 8, 3 iterations, step size 10. */
export const GenerateSettings = z
  .object({
    /** 'energy' is the paper's eq. 7; 'code' is the official code's (−5 − s)² loss; the UI labels which is which. */
    objective: Objective.default('energy'),
    strength: z.number().gt(0).max(1).default(0.6),
    steps: z.number().int().min(1).max(1000).default(20),
    guidance: z.number().min(1).max(30).default(8),
    iterations: z.number().int().min(1).max(20).default(3),
    lr: z.number().positive().max(1000).default(10),
    seed: z.number().int().min(0).default(0),
    perImage: z.number().int().min(1).max(16).default(1),
  })
  .strict();
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
