import { z } from 'zod';
import type { DataEntity } from '../api/events';

/** What a job's items write, named in the job process's refresh hint (one entity per kind). */
export const JobTouches = z.enum(['datasets', 'images', 'candidates', 'prompts', 'runs', 'labels', 'models']);
export type JobTouches = z.infer<typeof JobTouches>;

/**
 * One kind of job, as both processes agree on it: the API queues `params` once and one `payload` per item, the job
 * process parses both again when it picks the job up (a row written by an older version may no longer fit).
 * `result` is what an item records in job_items beside its 'done' mark (nothing today: see NoItemResult).
 */
export interface JobContract<K extends string, P extends z.ZodType, I extends z.ZodType, R extends z.ZodType> {
  kind: K;
  params: P;
  payload: I;
  result: R;
  /** The entity the job process names in its at-most-once-a-second refresh hint while items run. */
  touches: JobTouches;
  /** Every view the job's writes show in: the studio refreshes them on each state change and, throttled, on progress. */
  refreshes: readonly DataEntity[];
  /**
   * A better reason than the zod issue for stored params that no longer parse, when the version that wrote them is
   * known to differ in a named way (a removed option); null when there is nothing to add.
   */
  explainStaleParams?: (raw: unknown) => string | null;
}

/** Keeps the kind a literal type, so JobKind and ParamsOf<K> can be derived from the contracts. */
export function defineJob<const K extends string, P extends z.ZodType, I extends z.ZodType, R extends z.ZodType>(c: JobContract<K, P, I, R>): JobContract<K, P, I, R> {
  return c;
}

/**
 * Items record nothing in job_items beyond their status: every result lives in the tables the item's commit writes
 * (images, candidates, runs…), so the recorded result is honestly nothing.
 */
export const NoItemResult = z.void();

/** The first zod issue as `path: message`, the way people read a bad field. */
export function zodIssueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  return `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`;
}
