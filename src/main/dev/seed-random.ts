import { mulberry32 } from '../random/mulberry32';

/** Deterministic randomness for demo data: the same seed gives the same project. */
export { mulberry32 };

/** Box–Muller normal draws from a uniform source. */
export function gaussian(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}
