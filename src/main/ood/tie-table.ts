/**
 * Scores of InD and OOD samples collapsed to their distinct values, highest first, with how many of
 * each class sit at each value. Every threshold-based metric (ROC, PR, FPR@95) only ever looks at
 * these groups, exactly like scikit-learn's _binary_clf_curve, which thresholds at distinct scores.
 */
export interface TieTable {
  /** Distinct score values, strictly descending. */
  values: Float64Array;
  /** InD samples whose score equals values[g]. */
  inCount: Float64Array;
  /** OOD samples whose score equals values[g]. */
  oodCount: Float64Array;
  totalIn: number;
  totalOod: number;
}

function sortedCopy(scores: ArrayLike<number>, what: string): Float64Array {
  const a = new Float64Array(scores);
  for (let i = 0; i < a.length; i++) {
    // scikit-learn rejects NaN and ±inf too (check_array(force_all_finite=True)).
    if (!Number.isFinite(a[i])) throw new Error(`${what} score #${i + 1} is not a finite number (${a[i]})`);
  }
  return a.sort();
}

/**
 * Builds the table by sorting each class separately (native typed-array sort, no index arrays or
 * comparators) and merging the two sorted runs from their top ends — O(n log n) with two Float64Array
 * allocations, which is what keeps 1M scores well under half a second.
 */
export function buildTieTable(ind: ArrayLike<number>, ood: ArrayLike<number>): TieTable {
  const a = sortedCopy(ind, 'InD');
  const b = sortedCopy(ood, 'OOD');
  if (a.length === 0 || b.length === 0) {
    throw new Error(`OOD metrics need at least one InD and one OOD score (got ${a.length} InD, ${b.length} OOD)`);
  }
  const cap = a.length + b.length;
  const values = new Float64Array(cap);
  const inCount = new Float64Array(cap);
  const oodCount = new Float64Array(cap);
  let i = a.length - 1;
  let j = b.length - 1;
  let g = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? b[j]! : j < 0 ? a[i]! : Math.max(a[i]!, b[j]!);
    let ci = 0;
    let co = 0;
    while (i >= 0 && a[i] === v) { ci++; i--; }
    while (j >= 0 && b[j] === v) { co++; j--; }
    values[g] = v;
    inCount[g] = ci;
    oodCount[g] = co;
    g++;
  }
  // Views, not copies: with few ties the table is nearly full-size and copying would double the cost.
  return { values: values.subarray(0, g), inCount: inCount.subarray(0, g), oodCount: oodCount.subarray(0, g), totalIn: a.length, totalOod: b.length };
}
