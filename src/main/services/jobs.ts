import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import { JobStore } from '../store/jobs';
import type { StudioContext } from './context';
import { jobItems } from './jobs-items';

export function jobHandlers(ctx: StudioContext): Pick<Handlers, 'job.list' | 'job.get' | 'job.cancel' | 'job.pause' | 'job.resume' | 'job.retry' | 'job.items'> {
  const store = () => new JobStore(ctx.project().db);
  const get = (id: number) => store().get(id, ctx.liveProgress(id));
  const transition = (id: number, allowed: string[], to: 'cancelled' | 'paused' | 'queued') => {
    const s = store();
    const cur = s.status(id);
    if (!allowed.includes(cur)) throw new ApiError('conflict', `job ${id} is ${cur}; cannot go to ${to}`);
    s.setStatus(id, to);
    const job = get(id);
    ctx.emit({ type: 'job.state', jobId: id, state: job.state, at: Date.now() });
    return job;
  };
  return {
    'job.list': ({ limit }) => store().list(limit).map((j) => ({ ...j, progress: { ...j.progress, ...ctx.liveProgress(j.id) } })),
    'job.get': ({ id }) => get(id),
    'job.cancel': ({ id }) => transition(id, ['queued', 'running', 'paused'], 'cancelled'),
    'job.pause': ({ id }) => transition(id, ['queued', 'running'], 'paused'),
    'job.resume': ({ id }) => {
      const job = transition(id, ['paused'], 'queued');
      ctx.wakeJobs();
      return job;
    },
    'job.retry': ({ id }) => {
      const s = store();
      const cur = s.status(id);
      if (cur === 'running' || cur === 'queued') throw new ApiError('conflict', `job ${id} is ${cur}; retry once it has stopped`);
      if (s.retryFailed(id) === 0) throw new ApiError('conflict', `job ${id} has no failed items to retry`);
      const job = transition(id, ['completed', 'failed', 'cancelled', 'paused'], 'queued');
      ctx.wakeJobs();
      return job;
    },
    'job.items': ({ id, status, limit }) => jobItems(ctx.project().db, id, status, limit),
  };
}
