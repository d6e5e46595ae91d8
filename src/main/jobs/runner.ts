import type { OpenProject } from '../project/project';
import { optimize } from '../store/maintenance';
import { JobStore, LeaseLostError, type Lease, type LeaseOwner } from '../store/jobs';
import { findJobContract, jobContract, parseJobParams, parseJobPayload, zodIssueText, type JobKind } from '../../shared/jobs';
import { ItemError, JobFailedError, type JobContext, type JobHandler } from './handler';
import type { JobProcessMessage } from './messages';
import { breakDeadLocalLeases, HeldLease, LEASE_EXPIRY_MS } from './lease';
import { beforeCommitBarrier } from './test-barrier';

/** One handler per job kind: the type makes the job process's registry exhaustive over the contracts. */
export type JobHandlers = { readonly [K in JobKind]: JobHandler<K> };

/** Items-per-second over a sliding window, so the ETA follows the current pace rather than the start's. */
class Pace {
  private stamps: number[] = [];
  tick(now: number) {
    this.stamps.push(now);
    if (this.stamps.length > 50) this.stamps.shift();
  }
  perSec(): number | null {
    if (this.stamps.length < 2) return null;
    const span = (this.stamps[this.stamps.length - 1]! - this.stamps[0]!) / 1000;
    return span > 0 ? (this.stamps.length - 1) / span : null;
  }
}

/**
 * Runs every runnable job of one project to the end, item by item. Runs inside the job process; pause and cancel
 * arrive as status changes in the database (written by the API process) and are honoured between items. A job is
 * run only while this runner holds its lease (lease.ts): another job process on the same project leaves it alone.
 */
export class JobRunner {
  private readonly store: JobStore;
  private current: HeldLease | null = null;

  constructor(
    private readonly project: OpenProject,
    private readonly handlers: JobHandlers,
    private readonly send: (m: JobProcessMessage) => void,
    readonly owner: LeaseOwner,
    /** What the job process was given by the Studio and lends every job (the per-user text-feature cache). */
    private readonly shared: Pick<JobContext, 'textFeatures'> = {},
  ) {
    this.store = new JobStore(project.db);
  }

  private free() {
    return { owner: this.owner.id, expired: Date.now() - LEASE_EXPIRY_MS };
  }

  async runAll(): Promise<void> {
    breakDeadLocalLeases(this.store, this.owner);
    // A job whose lease another process took between the query and the take drops out of the next query.
    for (let id = this.store.nextRunnable(this.free()); id !== undefined; id = this.store.nextRunnable(this.free())) {
      await this.runJob(id);
    }
  }

  /** Runnable jobs that other live job processes run: the job process checks back for them (their owner may die). */
  heldElsewhere(): Lease[] {
    return this.store.heldElsewhere(this.owner.id, Date.now() - LEASE_EXPIRY_MS);
  }

  private emitState(jobId: number) {
    this.send({ type: 'state', jobId, state: this.store.get(jobId).state });
  }

  /** Runs the job if its lease can be taken; false when another live process runs it (or it stopped being runnable). */
  async runJob(jobId: number): Promise<boolean> {
    if (!this.store.acquireLease(jobId, this.owner, Date.now(), Date.now() - LEASE_EXPIRY_MS)) return false;
    const abort = new AbortController();
    const lease = new HeldLease(this.store, jobId, this.owner, () => abort.abort(new LeaseLostError(jobId)));
    this.current = lease;
    try {
      await this.runLeased(jobId, lease, abort);
    } finally {
      this.current = null;
      lease.release();
    }
    return true;
  }

  /** Gives back the lease of the job in flight (the process is stopping): another process may resume it at once. */
  releaseCurrent(): void {
    this.current?.release();
  }

  private async runLeased(jobId: number, lease: HeldLease, abort: AbortController): Promise<void> {
    const kind = this.store.kind(jobId);
    const contract = findJobContract(kind);
    if (!contract) {
      this.store.finish(jobId, this.owner.id, 'failed', `no handler for job kind '${kind}' in this build`);
      this.emitState(jobId);
      return;
    }
    await this.runKind(contract.kind, jobId, lease, abort);
  }

  /**
   * The job's stored params are parsed with its contract first: a row an older version wrote that no longer fits
   * fails the job with the kind and the field that does not fit, and the job process goes on with other jobs.
   */
  private async runKind<K extends JobKind>(kind: K, jobId: number, lease: HeldLease, abort: AbortController): Promise<void> {
    const owner = this.owner.id;
    const handler: JobHandler<K> = this.handlers[kind];
    const { touches } = jobContract(kind);
    this.emitState(jobId);
    const raw = this.store.storedParams(jobId);
    const parsed = parseJobParams(kind, raw);
    if (!parsed.success) {
      const why = jobContract(kind).explainStaleParams?.(raw) ?? `${zodIssueText(parsed.error)} (queued by another version of the studio? queue it again)`;
      this.store.finish(jobId, owner, 'failed', `${kind} job ${jobId}: its stored params do not fit this version: ${why}`);
      this.emitState(jobId);
      return;
    }
    const params = parsed.data;
    const ctx: JobContext = { project: this.project, jobId, signal: abort.signal, ...this.shared };
    const pace = new Pace();
    let lastDataEvent = 0;
    try {
      await handler.prepare?.(ctx, params);
      for (const stored of this.store.pendingItems(jobId)) {
        if (lease.lost) return; // taken over: the new owner reports on the job from here
        const status = this.store.status(jobId);
        if (status !== 'running') {
          this.emitState(jobId);
          return; // paused or cancelled from the API: finished items stay, the rest stays pending
        }
        try {
          const payload = parseJobPayload(kind, stored.payload);
          if (!payload.success) throw new ItemError(`${kind} item ${stored.seq} (${stored.key}): its stored payload does not fit this version: ${zodIssueText(payload.error)}`);
          const commit = await handler.runItem(ctx, params, { seq: stored.seq, key: stored.key, payload: payload.data });
          if (beforeCommitBarrier) await beforeCommitBarrier(jobId, stored.seq, abort.signal);
          this.store.completeItem(jobId, stored.seq, commit, owner);
        } catch (e) {
          if (e instanceof LeaseLostError || lease.lost) return;
          // A bad item is recorded and skipped; anything else (a bug, a provider failure) fails the item too,
          // with its message, so the job goes on and the user can retry the failed items. A JobFailedError fails
          // the job itself: going on would build on a broken state.
          const msg = e instanceof ItemError || e instanceof JobFailedError ? e.message : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          this.store.failItem(jobId, stored.seq, msg, owner);
          if (e instanceof JobFailedError) throw e;
        }
        pace.tick(Date.now());
        // At most one refresh hint a second: views re-query, they do not need every item.
        if (Date.now() - lastDataEvent > 1000) {
          lastDataEvent = Date.now();
          this.send({ type: 'data', entity: touches });
        }
        const c = this.store.counts(jobId);
        const rate = pace.perSec();
        const remaining = c.total - c.done - c.failed;
        this.send({
          type: 'progress',
          jobId,
          progress: { ...c, itemsPerSec: rate, etaSec: rate ? remaining / rate : null, current: stored.key },
        });
      }
      if (!this.store.finish(jobId, owner, 'completed')) return;
    } catch (e) {
      if (e instanceof LeaseLostError || lease.lost) return;
      this.store.finish(jobId, owner, 'failed', (e as Error).message);
    } finally {
      await handler.dispose?.();
      // A job may have added many rows: let SQLite refresh its planner statistics so gallery pages keep using
      // their sort indexes (cheap when nothing changed much).
      optimize(this.project.db);
    }
    this.emitState(jobId);
  }
}
