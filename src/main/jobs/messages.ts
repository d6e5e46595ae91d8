import { z } from 'zod';
import { JobProgress, JobState } from '../../shared/api/jobs';
import { JobTouches } from '../../shared/jobs';

/** What the job process tells its supervisor over the fork IPC channel; the supervisor parses each one. */
export const JobProcessMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), jobId: z.number().int(), progress: JobProgress }),
  z.object({ type: z.literal('state'), jobId: z.number().int(), state: JobState }),
  z.object({ type: z.literal('data'), entity: JobTouches }),
  z.object({ type: z.literal('idle') }),
  /** Sent just before the job process exits on an error, so the supervisor can tell why it keeps dying. */
  z.object({ type: z.literal('fatal'), error: z.string() }),
]);
export type JobProcessMessage = z.infer<typeof JobProcessMessage>;

/** What the supervisor tells the job process; the job process parses each one. */
export const SupervisorMessage = z.discriminatedUnion('type', [z.object({ type: z.literal('wake') }), z.object({ type: z.literal('stop') })]);
export type SupervisorMessage = z.infer<typeof SupervisorMessage>;
