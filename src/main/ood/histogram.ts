/** InD and OOD score counts over one shared set of equal-width bins, so the two overlay directly. */
export interface ScoreHistogram {
  /** bins + 1 edges, ascending; bin b covers [edges[b], edges[b+1]), the last bin also includes its right edge. */
  edges: Float64Array;
  ind: Uint32Array;
  ood: Uint32Array;
}

export function scoreHistogram(ind: ArrayLike<number>, ood: ArrayLike<number>, bins = 50): ScoreHistogram {
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`bins must be a positive integer, got ${bins}`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const arr of [ind, ood]) {
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i]!;
      if (!Number.isFinite(v)) throw new Error(`histogram: score #${i + 1} is not finite (${v})`);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo === Infinity) {
    lo = 0;
    hi = 1;
  } else if (lo === hi) {
    // A single distinct value still needs a bin of non-zero width to be drawn.
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  const width = (hi - lo) / bins;
  for (let b = 0; b <= bins; b++) edges[b] = lo + b * width;
  edges[bins] = hi;
  const count = (arr: ArrayLike<number>): Uint32Array => {
    const c = new Uint32Array(bins);
    for (let i = 0; i < arr.length; i++) c[Math.min(bins - 1, Math.floor((arr[i]! - lo) / width))]!++;
    return c;
  };
  return { edges, ind: count(ind), ood: count(ood) };
}
