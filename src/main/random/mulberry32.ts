/**
 * mulberry32, the one seeded generator behind every reproducible draw in the studio (factory weights, demo data,
 * NegLabel's group permutation, training shuffles, test inputs). Split into a state step and an output mix so
 * callers that must checkpoint the state (training) and callers that only want a stream share the same code.
 */
export function mulberry32Advance(state: number): number {
  return (state + 0x6d2b79f5) >>> 0;
}

/** The uniform in [0, 1) that an advanced state yields. */
export function mulberry32Output(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A stream of uniforms in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = mulberry32Advance(state);
    return mulberry32Output(state);
  };
}
