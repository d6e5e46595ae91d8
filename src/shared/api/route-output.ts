import type { z } from 'zod';
import { routes, type RouteName, type Routes } from './routes';

/**
 * A caller's typed view of what a route answered: the value, parsed by the route's output schema, so a client
 * never casts an answer it got over a process boundary (IPC, HTTP, or the in-process Studio the CLI drives).
 * A value that breaks the contract throws, naming the route and the offending field.
 */
export function parseRouteOutput<K extends RouteName>(name: K, value: unknown): z.output<Routes[K]['output']> {
  const parsed = routes[name].output.safeParse(value);
  // The one assertion left is TypeScript's, not the data's: the value was just parsed by routes[name].output, but
  // TypeScript widens a K-indexed schema to the union of all routes' outputs (it cannot correlate the two).
  if (parsed.success) return parsed.data as z.output<Routes[K]['output']>;
  throw new Error(`the answer of ${name} broke its contract: ${parsed.error.issues.map((i) => `at ${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')}`);
}
