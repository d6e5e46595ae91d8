import { z } from 'zod';
import { defineJob, NoItemResult } from './contract';

/** 'evaluate.run' (docs/METHOD.md §8): one item per OOD test set. */
export const evaluateRunJob = defineJob({
  kind: 'evaluate.run',
  params: z.object({
    runId: z.number().int(),
    indDatasetId: z.number().int().optional(),
    /** What was asked for (already off for the zero-shot baseline); the job records what it could apply. */
    switches: z.object({ projection: z.boolean(), tunedLabels: z.boolean() }),
  }),
  payload: z.object({ oodDatasetId: z.number().int() }),
  result: NoItemResult,
  touches: 'runs',
  refreshes: ['runs'],
});
