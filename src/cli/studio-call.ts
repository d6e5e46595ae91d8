import type { Studio } from '../main/root';
import type { ApiErrorCode } from '../shared/api/errors';
import type { RouteInput, RouteName, RouteOutput } from '../shared/api';
import { CliError, EXIT } from './output';
import { loadRouteOutput, loadStudio } from './lazy';
import { noJobProcess } from './job-process-spawn';
import { forkJobProcess } from '../main/jobs/supervisor';

/** A route call typed by the contract: the input as the route accepts it, the answer parsed by its output schema. */
export type Call = <K extends RouteName>(route: K, input: RouteInput<K>) => Promise<RouteOutput<K>>;

const EXIT_BY_CODE: Partial<Record<ApiErrorCode, number>> = {
  invalid_input: EXIT.badInput,
  not_found: EXIT.notFound,
  conflict: EXIT.conflict,
  no_project: EXIT.usage,
};

/**
 * Runs API routes headless through the same Studio as the app; typed errors become exit codes. The Studio (and
 * with it every pipeline module) is loaded only here, so `--help` and the file-only commands start fast. Only a
 * command that waits for a job (`runJobs`) starts the job process; the others leave queued work queued.
 */
export async function withStudio<T>(projectDir: string | undefined, fn: (call: Call, studio: Studio) => Promise<T>, opts: { runJobs?: boolean } = {}): Promise<T> {
  const { Studio } = loadStudio();
  const { parseRouteOutput } = loadRouteOutput();
  const studio = new Studio({ transport: 'direct', spawnJobProcess: opts.runJobs ? forkJobProcess : noJobProcess });
  const call: Call = async (route, input) => {
    const r = await studio.call(route, input);
    if (!r.ok) throw new CliError(r.error.message, EXIT_BY_CODE[r.error.code] ?? EXIT.failure);
    return parseRouteOutput(route, r.value);
  };
  try {
    if (projectDir) await call('project.open', { dir: projectDir });
    return await fn(call, studio);
  } finally {
    await studio.close();
  }
}
