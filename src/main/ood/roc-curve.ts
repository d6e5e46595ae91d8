import { buildTieTable, type TieTable } from './tie-table';

/** ROC curve with InD positive on S (higher = more InD): point i is "InD iff S ≥ thresholds[i]". */
export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** thresholds[0] = +Infinity for the (0, 0) start point (scikit-learn ≥ 1.3 convention; 1.2 used max + 1). */
  thresholds: Float64Array;
}

/** Same points as sklearn.metrics.roc_curve(InD indicator, S, drop_intermediate). */
export function rocCurveFromTable(t: TieTable, dropIntermediate = true): RocCurve {
  const n = t.values.length;
  const tps = new Float64Array(n);
  const fps = new Float64Array(n);
  let ct = 0;
  let cf = 0;
  for (let g = 0; g < n; g++) {
    ct += t.inCount[g]!;
    cf += t.oodCount[g]!;
    tps[g] = ct;
    fps[g] = cf;
  }
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!dropIntermediate || n <= 2 || i === 0 || i === n - 1 || fps[i + 1]! - 2 * fps[i]! + fps[i - 1]! !== 0 || tps[i + 1]! - 2 * tps[i]! + tps[i - 1]! !== 0) keep.push(i);
  }
  const fpr = new Float64Array(keep.length + 1);
  const tpr = new Float64Array(keep.length + 1);
  const thresholds = new Float64Array(keep.length + 1);
  thresholds[0] = Infinity;
  keep.forEach((g, i) => {
    fpr[i + 1] = fps[g]! / t.totalOod;
    tpr[i + 1] = tps[g]! / t.totalIn;
    thresholds[i + 1] = t.values[g]!;
  });
  return { fpr, tpr, thresholds };
}

export function rocCurve(ind: ArrayLike<number>, ood: ArrayLike<number>, dropIntermediate = true): RocCurve {
  return rocCurveFromTable(buildTieTable(ind, ood), dropIntermediate);
}

/**
 * At most maxPoints points for plotting, evenly spaced in curve index and always including both ends.
 * Index spacing (not fpr spacing) keeps the steep early part of a good detector's curve, where most
 * points are.
 */
export function downsampleCurve(curve: RocCurve, maxPoints = 1000): RocCurve {
  const n = curve.fpr.length;
  if (maxPoints < 2) throw new Error(`maxPoints must be ≥ 2, got ${maxPoints}`);
  if (n <= maxPoints) return curve;
  const fpr = new Float64Array(maxPoints);
  const tpr = new Float64Array(maxPoints);
  const thresholds = new Float64Array(maxPoints);
  for (let i = 0; i < maxPoints; i++) {
    const src = Math.round((i * (n - 1)) / (maxPoints - 1));
    fpr[i] = curve.fpr[src]!;
    tpr[i] = curve.tpr[src]!;
    thresholds[i] = curve.thresholds[src]!;
  }
  return { fpr, tpr, thresholds };
}
