import type { JobProgress, JobState } from '../../shared/api/jobs';

/** What the job process tells its supervisor over the fork IPC channel. */
export type JobProcessMessage =
  | { type: 'progress'; jobId: number; progress: JobProgress }
  | { type: 'state'; jobId: number; state: JobState }
  | { type: 'data'; entity: 'datasets' | 'images' | 'candidates' | 'prompts' | 'runs' | 'labels' | 'models' }
  | { type: 'idle' }
  /** Sent just before the job process exits on an error, so the supervisor can tell why it keeps dying. */
  | { type: 'fatal'; error: string };

/** What the supervisor tells the job process. */
export type SupervisorMessage = { type: 'wake' } | { type: 'stop' };
