import type { Studio } from '../main/root';
import type { ApiErrorCode } from '../shared/api/errors';
import type { RouteName, RouteOutput } from '../shared/api';
import { CliError, EXIT } from './output';
import { loadStudio } from './lazy';
import { noJobProcess } from './job-process-spawn';
import { forkJobProcess } from '../main/jobs/supervisor';

/** An API call whose output comes back typed; the input stays unknown because the Studio validates it (zod) and names the bad field. */
export type Call = <K extends RouteName>(route: K, input: unknown) => Promise<RouteOutput<K>>;

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
  const studio = new Studio({ transport: 'direct', spawnJobProcess: opts.runJobs ? forkJobProcess : noJobProcess });
  const call: Call = async (route, input) => {
    const r = await studio.call(route, input);
    if (!r.ok) throw new CliError(r.error.message, EXIT_BY_CODE[r.error.code] ?? EXIT.failure);
    // The route's handler is typed by Handlers, so its value is that route's output.
    return r.value as RouteOutput<typeof route>;
  };
  try {
    if (projectDir) await call('project.open', { dir: projectDir });
    return await fn(call, studio);
  } finally {
    await studio.close();
  }
}
