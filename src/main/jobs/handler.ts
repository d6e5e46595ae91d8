import type { Db } from '../store/db';
import type { OpenProject } from '../project/project';

export interface JobContext {
  project: OpenProject;
  jobId: number;
  signal: AbortSignal;
}

/**
 * One kind of job. `runItem` does the slow work outside any transaction (files are written atomically first)
 * and returns the database writes, which the runner commits together with the item's 'done' mark.
 */
export interface JobHandler<P = unknown, I = unknown> {
  kind: string;
  /** What the items write, so open views refresh while the job runs. */
  touches?: 'datasets' | 'images' | 'candidates' | 'prompts' | 'runs' | 'labels' | 'models';
  /** Called once per job-process start before items run (load models, open sessions). */
  prepare?(ctx: JobContext, params: P): Promise<void>;
  runItem(ctx: JobContext, params: P, item: { seq: number; key: string; payload: I }): Promise<(db: Db) => void>;
  /** Called when the job process is done with the job (release sessions). */
  dispose?(): Promise<void>;
}

/** Thrown by runItem for a bad input item: recorded as the item's failure reason, the job goes on. */
export class ItemError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ItemError';
  }
}

/**
 * Thrown by runItem when the job as a whole cannot go on (a training run that diverged: every later epoch would
 * start from its broken state). The item is recorded as failed with the message, and so is the job; the items
 * after it stay pending, and a retry resumes from the failed one.
 */
export class JobFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobFailedError';
  }
}
