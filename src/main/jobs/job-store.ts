import type { Db } from '../store/db';
import type { Job, JobProgress, JobState, JobStatus } from '../../shared/api/jobs';
import { ApiError } from '../../shared/api/errors';

interface JobRow {
  id: number;
  kind: string;
  title: string;
  params_json: string;
  status: JobStatus;
  error: string | null;
  created_at: number;
  started_at: number | null;
  status_at: number;
}

export interface JobItem {
  seq: number;
  key: string;
  payload: unknown;
}

function toState(r: JobRow): JobState {
  switch (r.status) {
    case 'queued':
      return { status: 'queued', at: r.status_at };
    case 'running':
      return { status: 'running', at: r.status_at, startedAt: r.started_at ?? r.status_at };
    case 'paused':
      return { status: 'paused', at: r.status_at };
    case 'completed':
      return { status: 'completed', at: r.status_at, startedAt: r.started_at };
    case 'failed':
      return { status: 'failed', at: r.status_at, error: r.error ?? 'unknown error' };
    case 'cancelled':
      return { status: 'cancelled', at: r.status_at };
  }
}

/** Jobs and their items in SQLite: the only source of truth, shared by the API process and the job process. */
export class JobStore {
  constructor(private readonly db: Db) {}

  create(kind: string, title: string, params: unknown, items: { key: string; payload?: unknown }[]): number {
    const now = Date.now();
    return this.db.transaction(() => {
      const id = Number(
        this.db.prepare("INSERT INTO jobs (kind, title, params_json, status, created_at, status_at) VALUES (?, ?, ?, 'queued', ?, ?)").run(kind, title, JSON.stringify(params), now, now)
          .lastInsertRowid,
      );
      const ins = this.db.prepare('INSERT INTO job_items (job_id, seq, key, payload_json) VALUES (?, ?, ?, ?)');
      items.forEach((it, seq) => ins.run(id, seq, it.key, JSON.stringify(it.payload ?? {})));
      return id;
    })();
  }

  private row(id: number): JobRow {
    const r = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    if (!r) throw new ApiError('not_found', `job ${id} does not exist`);
    return r;
  }

  params<T>(id: number): T {
    return JSON.parse(this.row(id).params_json) as T;
  }

  kind(id: number): string {
    return this.row(id).kind;
  }

  status(id: number): JobStatus {
    return this.row(id).status;
  }

  counts(id: number): { total: number; done: number; failed: number } {
    const r = this.db
      .prepare("SELECT count(*) AS total, sum(status = 'done') AS done, sum(status = 'failed') AS failed FROM job_items WHERE job_id = ?")
      .get(id) as { total: number; done: number | null; failed: number | null };
    return { total: r.total, done: r.done ?? 0, failed: r.failed ?? 0 };
  }

  get(id: number, live?: Partial<JobProgress>): Job {
    const r = this.row(id);
    const c = this.counts(id);
    return {
      id: r.id,
      kind: r.kind,
      title: r.title,
      state: toState(r),
      createdAt: r.created_at,
      progress: { ...c, itemsPerSec: live?.itemsPerSec ?? null, etaSec: live?.etaSec ?? null, current: live?.current ?? null },
    };
  }

  list(limit: number): Job[] {
    const ids = this.db.prepare('SELECT id FROM jobs ORDER BY id DESC LIMIT ?').pluck().all(limit) as number[];
    return ids.map((id) => this.get(id));
  }

  setStatus(id: number, status: JobStatus, error: string | null = null): void {
    const now = Date.now();
    this.db
      .prepare('UPDATE jobs SET status = ?, error = ?, status_at = ?, started_at = CASE WHEN ? = \'running\' AND started_at IS NULL THEN ? ELSE started_at END WHERE id = ?')
      .run(status, error, now, status, now, id);
  }

  /** Jobs the job process should work on: interrupted ones (still 'running' after a crash) first, then queued. */
  nextRunnable(): number | undefined {
    return this.db.prepare("SELECT id FROM jobs WHERE status IN ('running', 'queued') ORDER BY status = 'queued', id LIMIT 1").pluck().get() as number | undefined;
  }

  hasRunnable(): boolean {
    return this.nextRunnable() !== undefined;
  }

  pendingItems(id: number): JobItem[] {
    const rows = this.db.prepare("SELECT seq, key, payload_json FROM job_items WHERE job_id = ? AND status = 'pending' ORDER BY seq").all(id) as {
      seq: number;
      key: string;
      payload_json: string;
    }[];
    return rows.map((r) => ({ seq: r.seq, key: r.key, payload: JSON.parse(r.payload_json) }));
  }

  items(id: number, status: 'failed' | 'done' | 'pending' | 'all', limit: number) {
    const rows = this.db
      .prepare(`SELECT seq, key, status, error FROM job_items WHERE job_id = ? ${status === 'all' ? '' : 'AND status = ?'} ORDER BY seq LIMIT ?`)
      .all(...(status === 'all' ? [id, limit] : [id, status, limit])) as { seq: number; key: string; status: string; error: string | null }[];
    return rows;
  }

  /**
   * The heart of durability: the item's result (`commit`) and its 'done' mark are one transaction.
   * A crash before it leaves the item pending (redone on resume); after it, the item is never redone.
   */
  completeItem(id: number, seq: number, commit: (db: Db) => void): void {
    this.db.transaction(() => {
      commit(this.db);
      const r = this.db.prepare("UPDATE job_items SET status = 'done', error = NULL, attempts = attempts + 1, finished_at = ? WHERE job_id = ? AND seq = ? AND status = 'pending'").run(Date.now(), id, seq);
      if (r.changes !== 1) throw new Error(`job ${id} item ${seq} was not pending; refusing to record its result twice`);
    })();
  }

  failItem(id: number, seq: number, error: string): void {
    this.db.prepare("UPDATE job_items SET status = 'failed', error = ?, attempts = attempts + 1, finished_at = ? WHERE job_id = ? AND seq = ?").run(error, Date.now(), id, seq);
  }

  retryFailed(id: number): number {
    return this.db.prepare("UPDATE job_items SET status = 'pending', error = NULL WHERE job_id = ? AND status = 'failed'").run(id).changes;
  }
}
