import { z } from 'zod';
import { ApiError, type ApiResult } from '../../shared/api/errors';
import { routes, type RouteName } from '../../shared/api/routes';
import { checksOutput } from '../../shared/api/route';
import type { Handlers } from '../../shared/api';

function isRouteName(name: unknown): name is RouteName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(routes, name);
}

/** Names the route and the path of each offending field, e.g. `output of run.get broke its contract: at average.auroc: …`. */
export function outputBrokeContract(name: string, error: z.ZodError): string {
  return `output of ${name} broke its contract: ${error.issues.map((i) => `at ${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')}`;
}

/**
 * The single entry both transports call: validates the route name and input with the contract's zod schema,
 * runs the handler, checks its output against the contract's output schema (see `checksOutput`), and turns every
 * failure into a typed error body. Nothing thrown escapes, so a bad payload can never take the process down.
 */
export async function dispatch(handlers: Handlers, name: unknown, rawInput: unknown): Promise<ApiResult<unknown>> {
  if (!isRouteName(name)) return { ok: false, error: { code: 'not_found', message: `unknown route '${String(name)}'` } };
  const def = routes[name];
  const parsed = def.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: 'invalid_input',
        message: `invalid input for ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
    };
  }
  try {
    const handler = handlers[name] as (input: unknown) => unknown;
    const value = await handler(parsed.data);
    // A handler that breaks its contract is caught here, by the API process, rather than by the renderer or the
    // CLI far from the cause. The value itself goes out unchanged, so a checked and an unchecked call answer alike.
    if (checksOutput(def, process.env)) {
      const out = def.output.safeParse(value);
      if (!out.success) return { ok: false, error: { code: 'internal', message: outputBrokeContract(name, out.error) } };
    }
    return { ok: true, value };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e.toBody() };
    // A schema the handler itself parsed with (job params, stored JSON): not its output, which is checked above.
    if (e instanceof z.ZodError) return { ok: false, error: { code: 'internal', message: `${name} failed: a value it parsed broke its schema: ${e.message}` } };
    return { ok: false, error: { code: 'internal', message: `${name} failed: ${(e as Error).message}` } };
  }
}
