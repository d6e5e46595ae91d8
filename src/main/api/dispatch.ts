import { z } from 'zod';
import { ApiError, type ApiResult } from '../../shared/api/errors';
import { routes, type RouteName } from '../../shared/api/routes';
import type { Handlers } from '../../shared/api';

function isRouteName(name: unknown): name is RouteName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(routes, name);
}

/**
 * The single entry both transports call: validates the route name and input with the contract's zod schema,
 * runs the handler, and turns every failure into a typed error body. Nothing thrown escapes, so a bad payload
 * can never take the process down.
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
    return { ok: true, value };
  } catch (e) {
    if (e instanceof ApiError) return { ok: false, error: e.toBody() };
    if (e instanceof z.ZodError) return { ok: false, error: { code: 'internal', message: `output of ${name} broke the contract: ${e.message}` } };
    return { ok: false, error: { code: 'internal', message: `${name} failed: ${(e as Error).message}` } };
  }
}
