import type { Db } from './db';
import type { Job, JobProgress, JobState, JobStatus } from '../../shared/api/jobs';
import { ApiError } from '../../shared/api/errors';
import { findJobContract, jobContract, zodIssueText, type JobKind, type ParamsOf, type PayloadOf } from '../../shared/jobs';

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

/** Who runs a job: one job process, told apart by a fresh id; pid, host and kind are for people ("run by …"). */
export interface LeaseOwner {
  id: string;
  pid: number;
  host: string;
  /** What started that job process, e.g. 'synood jobs wait' or 'studio app'. */
  kind: string;
}

export interface Lease extends LeaseOwner {
  /** When the owner last proved it was alive (ms since epoch). */
  heartbeatAt: number;
}

/** The job's lease was taken over (its owner stalled past the expiry): this process must not record anything more. */
export class LeaseLostError extends Error {
  constructor(jobId: number) {
    super(`job ${jobId} is now run by another process; this one stopped working on it`);
    this.name = 'LeaseLostError';
  }
}

/** A lease is free when nobody holds it, the asker holds it, or its holder's heartbeat is older than the expiry. */
const LEASE_FREE = '(lease_owner IS NULL OR lease_owner = @owner OR lease_at < @expired)';
const NO_LEASE = 'lease_owner = NULL, lease_pid = NULL, lease_host = NULL, lease_kind = NULL, lease_at = NULL';

/** A pending item as stored: its payload is parsed with the job's contract by whoever runs it. */
export interface StoredJobItem {
  seq: number;
  key: string;
  payload: unknown;
}

/** An item as the queueing service builds it, typed by the kind's contract. */
export interface NewJobItem<K extends JobKind> {
  key: string;
  payload: PayloadOf<K>;
}

/** A JSON column read back; a cell that is not JSON reads as `undefined`, which no contract accepts. */
function readJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toKind(id: number, kind: string): JobKind {
  const c = findJobContract(kind);
  if (!c) throw new ApiError('conflict', `job ${id} is of kind '${kind}', which this version of the studio does not know`);
  return c.kind;
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

  /**
   * Queues a job of `kind`: its params and every item's payload are checked against the kind's contract first, so
   * nothing is inserted for a request the job process would refuse. What is stored is what the caller passed.
   */
  enqueue<K extends JobKind>(kind: K, title: string, params: ParamsOf<K>, items: readonly NewJobItem<K>[]): number {
    const contract = jobContract(kind);
    const p = contract.params.safeParse(params);
    if (!p.success) throw new ApiError('invalid_input', `${kind} job params are invalid: ${zodIssueText(p.error)}`, [{ path: p.error.issues[0]?.path.join('.') ?? '', message: p.error.issues[0]?.message ?? 'invalid' }]);
    items.forEach((it, seq) => {
      const r = contract.payload.safeParse(it.payload);
      if (!r.success) throw new ApiError('invalid_input', `${kind} job item ${seq} (${it.key}) has an invalid payload: ${zodIssueText(r.error)}`);
    });
    return this.insert(kind, title, params, items);
  }

  private insert(kind: string, title: string, params: unknown, items: readonly { key: string; payload: unknown }[]): number {
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

  /** The stored params as JSON (undefined when the cell is not JSON): the runner parses them with the kind's contract. */
  storedParams(id: number): unknown {
    return readJson(this.row(id).params_json);
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
      kind: toKind(r.id, r.kind),
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

  /**
   * Jobs the job process should work on: interrupted ones (still 'running' after a crash) first, then queued.
   * Given `free`, only jobs whose lease that owner could take now (not run by a live process).
   */
  nextRunnable(free?: { owner: string; expired: number }): number | undefined {
    const sql = `SELECT id FROM jobs WHERE status IN ('running', 'queued') ${free ? `AND ${LEASE_FREE}` : ''} ORDER BY status = 'queued', id LIMIT 1`;
    return this.db.prepare(sql).pluck().get(...(free ? [free] : [])) as number | undefined;
  }

  /** Runnable jobs that a live process other than `owner` runs: this one waits for them (they may be handed over). */
  heldElsewhere(owner: string, expired: number): Lease[] {
    return (this.db.prepare(`SELECT id FROM jobs WHERE status IN ('running', 'queued') AND NOT ${LEASE_FREE} ORDER BY id`).pluck().all({ owner, expired }) as number[])
      .map((id) => this.lease(id))
      .filter((l): l is Lease => l !== null);
  }

  /**
   * Takes the job for `owner` if its lease is free, marking it running, in one conditional UPDATE: of two processes
   * asking at once, exactly one gets a change. False: a live process runs it, or it is no longer runnable.
   */
  acquireLease(id: number, owner: LeaseOwner, now: number, expired: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE jobs SET lease_owner = @owner, lease_pid = @pid, lease_host = @host, lease_kind = @kind, lease_at = @now,
             status = 'running', error = NULL, status_at = @now, started_at = COALESCE(started_at, @now)
           WHERE id = @id AND status IN ('running', 'queued') AND ${LEASE_FREE}`,
        )
        .run({ id, owner: owner.id, pid: owner.pid, host: owner.host, kind: owner.kind, now, expired }).changes === 1
    );
  }

  /** The heartbeat: false when `owner` no longer holds the lease (it expired and another process took it). */
  renewLease(id: number, owner: string, now: number): boolean {
    return this.db.prepare('UPDATE jobs SET lease_at = ? WHERE id = ? AND lease_owner = ?').run(now, id, owner).changes === 1;
  }

  releaseLease(id: number, owner: string): void {
    this.db.prepare(`UPDATE jobs SET ${NO_LEASE} WHERE id = ? AND lease_owner = ?`).run(id, owner);
  }

  /** Frees a lease whose holder is known dead (compare-and-set on its owner id, so a fresh holder is never freed). */
  breakLease(id: number, deadOwner: string): boolean {
    return this.db.prepare(`UPDATE jobs SET ${NO_LEASE} WHERE id = ? AND lease_owner = ?`).run(id, deadOwner).changes === 1;
  }

  lease(id: number): Lease | null {
    const r = this.db.prepare('SELECT lease_owner, lease_pid, lease_host, lease_kind, lease_at FROM jobs WHERE id = ?').get(id) as
      | { lease_owner: string | null; lease_pid: number | null; lease_host: string | null; lease_kind: string | null; lease_at: number | null }
      | undefined;
    if (!r?.lease_owner) return null;
    return { id: r.lease_owner, pid: r.lease_pid ?? 0, host: r.lease_host ?? '', kind: r.lease_kind ?? '', heartbeatAt: r.lease_at ?? 0 };
  }

  /** Leases held by processes of `host`, for checking which of them are dead. */
  leasesOnHost(host: string): { jobId: number; owner: string; pid: number }[] {
    return this.db
      .prepare("SELECT id AS jobId, lease_owner AS owner, lease_pid AS pid FROM jobs WHERE status IN ('running', 'queued') AND lease_owner IS NOT NULL AND lease_host = ?")
      .all(host) as { jobId: number; owner: string; pid: number }[];
  }

  /** The runner's last word on a job it holds: its end state, and the lease given back, together. */
  finish(id: number, owner: string, status: 'completed' | 'failed', error: string | null = null): boolean {
    return this.db.prepare(`UPDATE jobs SET status = ?, error = ?, status_at = ?, ${NO_LEASE} WHERE id = ? AND lease_owner = ?`).run(status, error, Date.now(), id, owner).changes === 1;
  }

  /**
   * Fails a job whose process keeps dying (the supervisor gave up on it), unless a process other than the dead one
   * (`dead`: its pid and host) holds it by now. Its pending items stay pending: a retry runs them.
   */
  failAbandoned(id: number, error: string, dead: { pid: number; host: string }): boolean {
    return (
      this.db
        .prepare(
          `UPDATE jobs SET status = 'failed', error = ?, status_at = ?, ${NO_LEASE}
           WHERE id = ? AND status IN ('running', 'queued') AND (lease_owner IS NULL OR (lease_pid = ? AND lease_host = ?))`,
        )
        .run(error, Date.now(), id, dead.pid, dead.host).changes === 1
    );
  }

  hasRunnable(): boolean {
    return this.nextRunnable() !== undefined;
  }

  pendingItems(id: number): StoredJobItem[] {
    const rows = this.db.prepare("SELECT seq, key, payload_json FROM job_items WHERE job_id = ? AND status = 'pending' ORDER BY seq").all(id) as {
      seq: number;
      key: string;
      payload_json: string;
    }[];
    return rows.map((r) => ({ seq: r.seq, key: r.key, payload: readJson(r.payload_json) }));
  }

  items(id: number, status: 'failed' | 'done' | 'pending' | 'all', limit: number): { seq: number; key: string; status: string; error: string | null }[] {
    return this.db
      .prepare(`SELECT seq, key, status, error FROM job_items WHERE job_id = ? ${status === 'all' ? '' : 'AND status = ?'} ORDER BY seq LIMIT ?`)
      .all(...(status === 'all' ? [id, limit] : [id, status, limit])) as { seq: number; key: string; status: string; error: string | null }[];
  }

  /** Ids of every job still to run (queued, or running/interrupted), for reporting them when nothing can be written. */
  runnableIds(): number[] {
    return this.db.prepare("SELECT id FROM jobs WHERE status IN ('running', 'queued')").pluck().all() as number[];
  }

  /** Items of the job other than `seq` that are not done yet (a closing item waits for them). */
  unfinishedItemsBesides(id: number, seq: number): number {
    return this.db.prepare("SELECT count(*) FROM job_items WHERE job_id = ? AND seq != ? AND status != 'done'").pluck().get(id, seq) as number;
  }

  /**
   * The heart of durability: the item's result (`commit`) and its 'done' mark are one transaction.
   * A crash before it leaves the item pending (redone on resume); after it, the item is never redone.
   */
  completeItem(id: number, seq: number, commit: (db: Db) => void, owner?: string): void {
    this.db.transaction(() => {
      commit(this.db);
      const r = this.db.prepare("UPDATE job_items SET status = 'done', error = NULL, attempts = attempts + 1, finished_at = ? WHERE job_id = ? AND seq = ? AND status = 'pending'").run(Date.now(), id, seq);
      if (r.changes !== 1) throw new Error(`job ${id} item ${seq} was not pending; refusing to record its result twice`);
      // Checked inside the transaction: a runner whose lease was taken over commits nothing more.
      if (owner !== undefined && this.lease(id)?.id !== owner) throw new LeaseLostError(id);
    })();
  }

  /**
   * Records an item's failure. Only a pending item can fail: a done item's result is committed and final (a failure
   * reported for it comes from a runner that should not have run it), and the schema refuses it too. With `owner`,
   * only while that runner still holds the job.
   */
  failItem(id: number, seq: number, error: string, owner?: string): void {
    this.db
      .prepare(
        `UPDATE job_items SET status = 'failed', error = ?, attempts = attempts + 1, finished_at = ? WHERE job_id = ? AND seq = ? AND status = 'pending'
         ${owner !== undefined ? 'AND EXISTS (SELECT 1 FROM jobs WHERE id = job_items.job_id AND lease_owner = ?)' : ''}`,
      )
      .run(error, Date.now(), id, seq, ...(owner !== undefined ? [owner] : []));
  }

  /**
   * Sets failed items pending again; returns how many items a requeue will run. For a job that failed as a whole
   * (its process kept dying, its training diverged) that includes the items it never reached, so it can be retried
   * even when no single item failed.
   */
  retryFailed(id: number): number {
    const reset = this.db.prepare("UPDATE job_items SET status = 'pending', error = NULL WHERE job_id = ? AND status = 'failed'").run(id).changes;
    if (this.status(id) !== 'failed') return reset;
    return this.db.prepare("SELECT count(*) FROM job_items WHERE job_id = ? AND status = 'pending'").pluck().get(id) as number;
  }
}
