import type { OpenProject } from '../project/project';
import { JobStore } from './job-store';
import { ItemError, type JobHandler } from './handler';
import type { JobProcessMessage } from './messages';

export type HandlerMap = ReadonlyMap<string, JobHandler<any, any>>;

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
 * arrive as status changes in the database (written by the API process) and are honoured between items.
 */
export class JobRunner {
  private readonly store: JobStore;

  constructor(
    private readonly project: OpenProject,
    private readonly handlers: HandlerMap,
    private readonly send: (m: JobProcessMessage) => void,
  ) {
    this.store = new JobStore(project.db);
  }

  async runAll(): Promise<void> {
    for (let id = this.store.nextRunnable(); id !== undefined; id = this.store.nextRunnable()) {
      await this.runJob(id);
    }
  }

  private emitState(jobId: number) {
    this.send({ type: 'state', jobId, state: this.store.get(jobId).state });
  }

  async runJob(jobId: number): Promise<void> {
    const kind = this.store.kind(jobId);
    const handler = this.handlers.get(kind);
    if (!handler) {
      this.store.setStatus(jobId, 'failed', `no handler for job kind '${kind}' in this build`);
      this.emitState(jobId);
      return;
    }
    this.store.setStatus(jobId, 'running');
    this.emitState(jobId);
    const params = this.store.params(jobId);
    const abort = new AbortController();
    const ctx = { project: this.project, jobId, signal: abort.signal };
    const pace = new Pace();
    let lastDataEvent = 0;
    try {
      await handler.prepare?.(ctx, params);
      for (const item of this.store.pendingItems(jobId)) {
        const status = this.store.status(jobId);
        if (status !== 'running') {
          this.emitState(jobId);
          return; // paused or cancelled from the API: finished items stay, the rest stays pending
        }
        try {
          const commit = await handler.runItem(ctx, params, item);
          this.store.completeItem(jobId, item.seq, commit);
        } catch (e) {
          // A bad item is recorded and skipped; anything else (a bug, a provider failure) fails the item too,
          // with its message, so the job goes on and the user can retry the failed items.
          const msg = e instanceof ItemError ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
          this.store.failItem(jobId, item.seq, msg);
        }
        pace.tick(Date.now());
        // At most one refresh hint a second: views re-query, they do not need every item.
        if (handler.touches && Date.now() - lastDataEvent > 1000) {
          lastDataEvent = Date.now();
          this.send({ type: 'data', entity: handler.touches });
        }
        const c = this.store.counts(jobId);
        const rate = pace.perSec();
        const remaining = c.total - c.done - c.failed;
        this.send({
          type: 'progress',
          jobId,
          progress: { ...c, itemsPerSec: rate, etaSec: rate ? remaining / rate : null, current: item.key },
        });
      }
      this.store.setStatus(jobId, 'completed');
    } catch (e) {
      this.store.setStatus(jobId, 'failed', (e as Error).message);
    } finally {
      await handler.dispose?.();
      // A job may have added many rows: let SQLite refresh its planner statistics so gallery pages keep using
      // their sort indexes (cheap when nothing changed much).
      this.project.db.pragma('optimize');
    }
    this.emitState(jobId);
  }
}
