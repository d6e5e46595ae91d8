import { mulberry32 } from '../random/mulberry32';
/**
 * Seeded permutation for NegLabel's negative-label grouping.
 *
 * The official code permutes with torch.randperm under torch.manual_seed(0); reproducing torch's
 * (or numpy's) generator bit-for-bit is out of scope, so the studio uses its own documented PRNG and
 * records the seed with each run:
 *   - generator: mulberry32 (32-bit state; state += 0x6D2B79F5 per draw, then the xorshift-multiply
 *     output mix), u = output / 2^32 ∈ [0, 1);
 *   - shuffle: Durstenfeld/Fisher–Yates on [0, 1, …, n−1], for i = n−1 down to 1:
 *     j = floor(u · (i + 1)), swap(i, j). (floor(u·(i+1)) has a bias below 2^-32·n — irrelevant here.)
 * Callers that need the exact torch permutation can pass it in explicitly instead.
 */

export function seededPermutation(n: number, seed: number): Int32Array {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  const rand = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return perm;
}

/** Throws unless `perm` holds each of 0..n−1 exactly once. */
export function assertPermutation(perm: ArrayLike<number>, n: number): void {
  if (perm.length !== n) throw new Error(`permutation has length ${perm.length}, expected ${n}`);
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = perm[i]!;
    if (!Number.isInteger(p) || p < 0 || p >= n || seen[p]) throw new Error(`not a permutation of 0..${n - 1} (entry ${i} = ${p})`);
    seen[p] = 1;
  }
}
