/**
 * numpy.quantile(x, q) with the default 'linear' method, including numpy's two-sided lerp
 * (a + (b−a)·γ for γ < 0.5, b − (b−a)·(1−γ) otherwise) so results agree to the last bit.
 * `sorted` must be ascending.
 */
export function quantileSortedLinear(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantile of an empty array');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile q must be in [0, 1], got ${q}`);
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const g = h - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  const d = b - a;
  return g >= 0.5 ? b - d * (1 - g) : a + d * g;
}
