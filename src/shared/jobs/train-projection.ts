import { z } from 'zod';
import { ProjectionConfig } from '../api/routes/runs';
import { defineJob, NoItemResult } from './contract';

/** One item per epoch (1-based). */
export const EpochItem = z.object({ epoch: z.number().int().min(1) });

export const trainParams = <C extends z.ZodType>(config: C) => z.object({ runId: z.number().int(), seed: z.number().int().min(0), config });

/** 'train.projection' (docs/METHOD.md §6): the residual projection after the frozen image encoder. */
export const trainProjectionJob = defineJob({
  kind: 'train.projection',
  params: trainParams(ProjectionConfig),
  payload: EpochItem,
  result: NoItemResult,
  touches: 'runs',
  refreshes: ['runs'],
});
