import type { Db } from '../store/db';
import type { TextFeatureCache } from '../pipeline/features/cached-text-encoding';
import type { OpenProject } from '../project/project';
import type { JobKind, ParamsOf, PayloadOf, ResultOf } from '../../shared/jobs';

export interface JobContext {
  project: OpenProject;
  jobId: number;
  signal: AbortSignal;
  /**
   * The Studio's per-user text-feature cache (`<home>/cache/text-features.sqlite`), passed down to the job process:
   * CLIP text features computed by one job are reused by every later job, project and restart. Absent when the
   * job process was started without a home folder; then text features are computed per job.
   */
  textFeatures?: TextFeatureCache;
}

/** What an item's commit writes, and what it records beside its 'done' mark (its contract's result). */
export type ItemCommit<K extends JobKind> = (db: Db) => ResultOf<K>;

/**
 * The job process's side of one job contract (src/shared/jobs): params and payloads arrive parsed by the contract's
 * schemas. `runItem` does the slow work outside any transaction (files are written atomically first) and returns
 * the database writes, which the runner commits together with the item's 'done' mark. What the items write (the
 * refresh hint) is the contract's `touches`.
 */
export interface JobHandler<K extends JobKind> {
  kind: K;
  /** Called once per job-process start before items run (load models, open sessions). */
  prepare?(ctx: JobContext, params: ParamsOf<K>): Promise<void>;
  runItem(ctx: JobContext, params: ParamsOf<K>, item: { seq: number; key: string; payload: PayloadOf<K> }): Promise<ItemCommit<K>>;
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
