import { Studio } from '../root';
import type { ApiResult } from '../../shared/api/errors';
import type { RouteInput, RouteName, RouteOutput } from '../../shared/api';
import { parseRouteOutput } from '../../shared/api/route-output';
import type { Job } from '../../shared/api/jobs';

/** The answer of a route, parsed by its output schema (no cast), or its error naming the route. */
function value<K extends RouteName>(route: K, r: ApiResult<unknown>): RouteOutput<K> {
  if (!r.ok) throw new Error(`${route}: ${r.error.message}`);
  return parseRouteOutput(route, r.value);
}

export interface StudioDriver {
  studio: Studio;
  /** One route call through the studio's own API, its output parsed. */
  call: <K extends RouteName>(route: K, input: RouteInput<K>) => Promise<RouteOutput<K>>;
  /** Waits for a job to complete (logging its count and time), or throws when it fails or is cancelled. */
  stage: (name: string, jobId: number) => Promise<RouteOutput<'job.get'>>;
  close: () => Promise<void>;
}

/**
 * A headless studio driven through its routes, as the demo and `world bench` use it: the same services and job
 * process the studio's pages call, so what they measure is what a user gets.
 */
export function openStudioDriver(opts: { homeDir: string; log: (line: string) => void; progress?: (stage: string, done: number, total: number) => void }): StudioDriver {
  const studio = new Studio({ transport: 'direct', homeDir: opts.homeDir });
  const call = async <K extends RouteName>(route: K, input: RouteInput<K>) => value(route, await studio.call(route, input));
  // A failure the job supervisor reports but could not write (its disk is full too) ends the wait all the same:
  // the database keeps the job running, to resume when the project is next opened.
  const reportedFailures = new Map<number, Job['state']>();
  const offEvents = studio.onEvent((e) => {
    if (e.type === 'job.state' && e.state.status === 'failed') reportedFailures.set(e.jobId, e.state);
  });
  const stage = async (name: string, jobId: number) => {
    const t0 = Date.now();
    for (;;) {
      const read = await call('job.get', { id: jobId });
      const reported = reportedFailures.get(jobId);
      const job = reported && ['running', 'queued'].includes(read.state.status) ? { ...read, state: reported } : read;
      opts.progress?.(name, job.progress.done + job.progress.failed, job.progress.total);
      if (job.state.status === 'completed') {
        if (job.progress.failed > 0) {
          const failed = await call('job.items', { id: jobId, status: 'failed', limit: 3 });
          opts.log(`  ${name}: ${job.progress.failed} item(s) failed, e.g. ${failed[0]?.key}: ${failed[0]?.error}`);
        }
        opts.log(`${name.padEnd(22)} ${job.progress.done}/${job.progress.total} done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        return job;
      }
      if (job.state.status === 'failed' || job.state.status === 'cancelled') throw new Error(`${name} ${job.state.status}: ${job.state.status === 'failed' ? job.state.error : ''}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  return {
    studio,
    call,
    stage,
    close: async () => {
      offEvents();
      await studio.close();
    },
  };
}
