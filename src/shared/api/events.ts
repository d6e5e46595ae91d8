import { z } from 'zod';
import { JobProgress, JobState } from './jobs';

/** Everything the main side pushes to the renderer. A discriminated union so handlers switch exhaustively. */
export const DataEntity = z.enum(['projects', 'datasets', 'images', 'candidates', 'decisions', 'prompts', 'runs', 'models', 'labels']);
export type DataEntity = z.infer<typeof DataEntity>;

export const ApiEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job.progress'), jobId: z.number().int(), progress: JobProgress, at: z.number() }),
  z.object({ type: z.literal('job.state'), jobId: z.number().int(), state: JobState, at: z.number() }),
  z.object({ type: z.literal('data.changed'), entity: DataEntity, at: z.number() }),
]);
export type ApiEvent = z.infer<typeof ApiEvent>;
