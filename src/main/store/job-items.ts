import type { Db } from './db';
import { generateCandidatesJob, labelsMineJob, trainLabelsJob, trainProjectionJob, zodIssueText, type ParamsOf, type PayloadOf } from '../../shared/jobs';

/** A JSON column read back; a cell that is not JSON reads as `undefined`. */
function readJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export interface ItemTimelineRow {
  seq: number;
  key: string;
  status: string;
  error: string | null;
  /** The stored payload, as JSON (older rows may not fit today's contract: callers read what they need). */
  payload: unknown;
  finishedAt: number | null;
  /** The previous item's finish (items run one after another): this item's start. */
  prevFinished: number | null;
}

/** A job's items with each one's finish and the finish before it, and the job's own start. */
export function jobItemTimeline(db: Db, jobId: number, status: 'failed' | 'done' | 'pending' | 'all', limit: number): { jobStart: number | null; rows: ItemTimelineRow[] } {
  const jobStart = (db.prepare('SELECT started_at FROM jobs WHERE id = ?').pluck().get(jobId) as number | null | undefined) ?? null;
  const rows = db
    .prepare(
      `WITH t AS (
         SELECT seq, LAG(finished_at) OVER (ORDER BY finished_at, seq) AS prev_finished
         FROM job_items WHERE job_id = @jobId AND finished_at IS NOT NULL
       )
       SELECT i.seq, i.key, i.status, i.error, i.payload_json, i.finished_at, t.prev_finished
       FROM job_items i LEFT JOIN t ON t.seq = i.seq
       WHERE i.job_id = @jobId ${status === 'all' ? '' : 'AND i.status = @status'}
       ORDER BY i.seq LIMIT @limit`,
    )
    .all({ jobId, limit, ...(status === 'all' ? {} : { status }) }) as {
    seq: number;
    key: string;
    status: string;
    error: string | null;
    payload_json: string;
    finished_at: number | null;
    prev_finished: number | null;
  }[];
  return {
    jobStart,
    rows: rows.map((r) => ({ seq: r.seq, key: r.key, status: r.status, error: r.error, payload: readJson(r.payload_json), finishedAt: r.finished_at, prevFinished: r.prev_finished })),
  };
}

export interface PendingGenerateItem {
  jobId: number;
  /** The job's stored settings as JSON: compared with a new request's, whatever version wrote them. */
  settings: unknown;
  key: string;
  /** Null when the stored payload does not name an image and a seed. */
  payload: PayloadOf<typeof generateCandidatesJob.kind> | null;
}

/** Items still pending in unfinished generate jobs, in job and item order. */
export function pendingGenerateItems(db: Db): PendingGenerateItem[] {
  const rows = db
    .prepare(
      `SELECT j.id AS job_id, j.params_json, ji.key, ji.payload_json FROM jobs j JOIN job_items ji ON ji.job_id = j.id
       WHERE j.kind = ? AND j.status IN ('queued', 'running', 'paused') AND ji.status = 'pending' ORDER BY j.id, ji.seq`,
    )
    .all(generateCandidatesJob.kind) as { job_id: number; params_json: string; key: string; payload_json: string }[];
  const settingsOf = new Map<string, unknown>();
  return rows.map((r) => {
    if (!settingsOf.has(r.params_json)) {
      const params = readJson(r.params_json);
      settingsOf.set(r.params_json, params && typeof params === 'object' && 'settings' in params ? params.settings : undefined);
    }
    const p = readJson(r.payload_json);
    let payload: PendingGenerateItem['payload'] = null;
    if (p && typeof p === 'object' && 'imageId' in p && 'seed' in p && typeof p.imageId === 'number' && typeof p.seed === 'number') {
      const pinned = 'promptVersionId' in p && typeof p.promptVersionId === 'number' ? p.promptVersionId : null;
      payload = { imageId: p.imageId, seed: p.seed, promptVersionId: pinned };
    }
    return { jobId: r.job_id, settings: settingsOf.get(r.params_json), key: r.key, payload };
  });
}

/**
 * The labels.mine job whose last item (the one that marks labels selected) finished most recently, with the params
 * it was queued with; null before any.
 */
export function lastSelectingMiningJob(db: Db): { id: number; params: ParamsOf<typeof labelsMineJob.kind>; at: number | null } | null {
  const row = db
    .prepare(
      `SELECT j.id, j.params_json AS params, ji.finished_at AS at FROM jobs j JOIN job_items ji ON ji.job_id = j.id
       WHERE j.kind = ? AND ji.status = 'done' AND ji.seq = (SELECT max(seq) FROM job_items WHERE job_id = j.id)
       ORDER BY ji.finished_at DESC, j.id DESC LIMIT 1`,
    )
    .get(labelsMineJob.kind) as { id: number; params: string; at: number | null } | undefined;
  if (!row) return null;
  const parsed = labelsMineJob.params.safeParse(readJson(row.params));
  if (!parsed.success) throw new Error(`${labelsMineJob.kind} job ${row.id}: its stored params do not fit this version: ${zodIssueText(parsed.error)}`);
  return { id: row.id, params: parsed.data, at: row.at };
}

/** The newest job that trains run `runId` (its id is in the job's params); null when none. */
export function latestTrainingJobOfRun(db: Db, runId: number): number | null {
  return (
    (db
      .prepare('SELECT id FROM jobs WHERE kind IN (?, ?) AND json_extract(params_json, ?) = ? ORDER BY id DESC LIMIT 1')
      .pluck()
      .get(trainProjectionJob.kind, trainLabelsJob.kind, '$.runId', runId) as number | undefined) ?? null
  );
}

/** A job row as a shard bundle carries it to the parent project: every column but the id and the lease. */
export interface JobCopy {
  kind: string;
  title: string;
  params_json: string;
  status: string;
  error: string | null;
  created_at: number;
  started_at: number | null;
  status_at: number;
}

/** An item row as a shard bundle carries it. */
export interface JobItemCopy {
  seq: number;
  key: string;
  payload_json: string;
  status: string;
  error: string | null;
  attempts: number;
  finished_at: number | null;
}

export function readJobCopy(db: Db, jobId: number): { job: JobCopy; items: JobItemCopy[] } | null {
  const job = db.prepare('SELECT kind, title, params_json, status, error, created_at, started_at, status_at FROM jobs WHERE id = ?').get(jobId) as JobCopy | undefined;
  if (!job) return null;
  const items = db.prepare('SELECT seq, key, payload_json, status, error, attempts, finished_at FROM job_items WHERE job_id = ? ORDER BY seq').all(jobId) as JobItemCopy[];
  return { job, items };
}

/** Writes a bundle's job and items into this project under a new id (rows copied as they are); returns the id. */
export function insertJobCopy(db: Db, job: JobCopy, title: string, items: readonly JobItemCopy[]): number {
  const jobId = Number(
    db
      .prepare('INSERT INTO jobs (kind, title, params_json, status, error, created_at, started_at, status_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(job.kind, title, job.params_json, job.status, job.error, job.created_at, job.started_at, job.status_at).lastInsertRowid,
  );
  const item = db.prepare('INSERT INTO job_items (job_id, seq, key, payload_json, status, error, attempts, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  for (const it of items) item.run(jobId, it.seq, it.key, it.payload_json, it.status, it.error, it.attempts, it.finished_at);
  return jobId;
}
