/** Numerically stable log Σ exp(scale · x[offset + i·stride]) over `count` entries (float64 result). */
export function logSumExp(x: ArrayLike<number>, offset: number, count: number, scale = 1, stride = 1): number {
  if (count <= 0) return -Infinity;
  let max = -Infinity;
  for (let i = 0, p = offset; i < count; i++, p += stride) {
    const v = x[p]! * scale;
    if (v > max) max = v;
  }
  if (max === -Infinity || max === Infinity) return max;
  let s = 0;
  for (let i = 0, p = offset; i < count; i++, p += stride) s += Math.exp(x[p]! * scale - max);
  return max + Math.log(s);
}

/** Logistic function, written so neither branch overflows exp(). */
export function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}
