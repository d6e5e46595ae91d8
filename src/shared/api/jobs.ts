import { z } from 'zod';
import { JobKind } from '../jobs';

export { JobKind };

/** Job status as a timestamped discriminated union: the UI can tell when each state began. Times are ms since epoch. */
export const JobState = z.discriminatedUnion('status', [
  z.object({ status: z.literal('queued'), at: z.number() }),
  z.object({ status: z.literal('running'), at: z.number(), startedAt: z.number() }),
  z.object({ status: z.literal('paused'), at: z.number() }),
  z.object({ status: z.literal('completed'), at: z.number(), startedAt: z.number().nullable() }),
  z.object({ status: z.literal('failed'), at: z.number(), error: z.string() }),
  z.object({ status: z.literal('cancelled'), at: z.number() }),
]);
export type JobState = z.infer<typeof JobState>;
export type JobStatus = JobState['status'];

export const JobProgress = z.object({
  total: z.number().int(),
  done: z.number().int(),
  failed: z.number().int(),
  itemsPerSec: z.number().nullable(),
  etaSec: z.number().nullable(),
  current: z.string().nullable(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const Job = z.object({
  id: z.number().int(),
  kind: JobKind,
  title: z.string(),
  state: JobState,
  progress: JobProgress,
  createdAt: z.number(),
});
export type Job = z.infer<typeof Job>;
