import type { ApiEvent, DataEntity, StudioApi } from '../../../shared/api';
import { findJobContract } from '../../../shared/jobs';

/**
 * What each job kind writes, as the views that show it subscribe to it (useLive entities, data.changed listeners):
 * its contract's `refreshes`, so a new kind cannot be added without saying which views it refreshes.
 */
export function touchedBy(kind: string): readonly DataEntity[] {
  return findJobContract(kind)?.refreshes ?? [];
}

/**
 * The api with job events turned into refreshes of what the job writes. The job process sends its own refresh hints
 * at most once a second, on the leading edge, so the last items of a quick job (and its completion) went unseen:
 * here every job.state change refreshes the job's entities at once, and job.progress refreshes them at most once
 * per `progressMs`, always after the latest item. Subscribers see these as ordinary data.changed events.
 */
export function withJobRefresh(api: StudioApi, opts: { progressMs?: number } = {}): StudioApi {
  const progressMs = opts.progressMs ?? 750;
  const listeners = new Set<(e: ApiEvent) => void>();
  const kinds = new Map<number, Promise<string | undefined>>();
  const timers = new Map<DataEntity, ReturnType<typeof setTimeout>>();
  let off: (() => void) | null = null;

  const deliver = (e: ApiEvent) => {
    for (const l of [...listeners]) l(e);
  };
  const now = (entities: readonly DataEntity[]) => {
    for (const entity of entities) {
      clearTimeout(timers.get(entity));
      timers.delete(entity);
      deliver({ type: 'data.changed', entity, at: Date.now() });
    }
  };
  const soon = (entities: readonly DataEntity[]) => {
    for (const entity of entities) {
      if (timers.has(entity)) continue;
      timers.set(
        entity,
        setTimeout(() => {
          timers.delete(entity);
          deliver({ type: 'data.changed', entity, at: Date.now() });
        }, progressMs),
      );
    }
  };
  const kindOf = (jobId: number) => {
    let k = kinds.get(jobId);
    if (!k) {
      k = api.call('job.get', { id: jobId }).then(
        (j) => j.kind,
        () => {
          kinds.delete(jobId); // no project yet, or a transient error: ask again next time
          return undefined;
        },
      );
      kinds.set(jobId, k);
    }
    return k;
  };
  const upstream = (e: ApiEvent) => {
    deliver(e);
    // Job ids are per project: another project's job 3 is another job.
    if (e.type === 'data.changed' && e.entity === 'projects') kinds.clear();
    if (e.type === 'job.state' || e.type === 'job.progress')
      void kindOf(e.jobId).then((kind) => {
        if (!kind || listeners.size === 0) return;
        if (e.type === 'job.state') now(touchedBy(kind));
        else soon(touchedBy(kind));
      });
  };

  return {
    call: (name, input) => api.call(name, input),
    fileUrl: (rel) => api.fileUrl(rel),
    onEvent: (l) => {
      listeners.add(l);
      off ??= api.onEvent(upstream);
      return () => {
        listeners.delete(l);
        if (listeners.size === 0 && off) {
          off();
          off = null;
          for (const t of timers.values()) clearTimeout(t);
          timers.clear();
        }
      };
    },
  };
}
