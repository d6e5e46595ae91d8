import type { z } from 'zod';

/**
 * When the API process checks a handler's output against the route's `output` schema. Development and tests
 * always check; 'always' keeps the check in production too, 'development' drops it there because the output is
 * big enough (paged lists, long metric series) that parsing it on every call would cost the hot path.
 */
export type OutputCheck = 'always' | 'development';

/** One route of the contract: its input and output schemas. Both transports validate input with `input`. */
export interface RouteDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** One line for API docs and error messages. */
  summary: string;
  outputCheck: OutputCheck;
}

export function route<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string, opts: { outputCheck?: OutputCheck } = {}): RouteDef<I, O> {
  return { input, output, summary, outputCheck: opts.outputCheck ?? 'always' };
}

/** The environment variables that decide whether outputs are checked (process.env on the main side). */
export interface OutputCheckEnv {
  NODE_ENV?: string;
  VITEST?: string;
  SYNOOD_VALIDATE_OUTPUTS?: string;
}

/** Outside production (and under vitest, or with SYNOOD_VALIDATE_OUTPUTS=1) every route's output is checked. */
export function checksOutput(def: Pick<RouteDef, 'outputCheck'>, env: OutputCheckEnv): boolean {
  if (def.outputCheck === 'always') return true;
  return env.NODE_ENV !== 'production' || !!env.VITEST || env.SYNOOD_VALIDATE_OUTPUTS === '1';
}

/** For routes whose outputs are paged lists or long series: checked in development and tests, not in production. */
export const BIG_OUTPUT = { outputCheck: 'development' } as const satisfies { outputCheck: OutputCheck };
