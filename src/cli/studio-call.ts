import { Studio } from '../main/root';
import { CliError, EXIT } from './output';

/** Runs one API route headless through the same Studio as the app; typed errors become exit codes. */
export async function withStudio<T>(projectDir: string | undefined, fn: (call: (route: string, input: unknown) => Promise<any>, studio: Studio) => Promise<T>): Promise<T> {
  const studio = new Studio({ transport: 'direct' });
  const call = async (route: string, input: unknown) => {
    const r = await studio.call(route, input);
    if (!r.ok) throw new CliError(r.error.message, r.error.code === 'invalid_input' ? EXIT.badInput : r.error.code === 'not_found' ? EXIT.notFound : EXIT.failure);
    return r.value;
  };
  try {
    if (projectDir) await call('project.open', { dir: projectDir });
    return await fn(call, studio);
  } finally {
    await studio.close();
  }
}
