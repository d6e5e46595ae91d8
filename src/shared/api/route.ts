import type { z } from 'zod';

/** One route of the contract: its input and output schemas. Both transports validate input with `input`. */
export interface RouteDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** One line for API docs and error messages. */
  summary: string;
}

export function route<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): RouteDef<I, O> {
  return { input, output, summary };
}
