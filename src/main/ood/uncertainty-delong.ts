import { twoSidedP } from './uncertainty-normal';

/**
 * DeLong's variance of AUROC and the paired test for two correlated AUROCs (DeLong, DeLong & Clarke-Pearson 1988),
 * computed with the O(n log n) algorithm of Sun & Xu (2014, IEEE SPL 21(11)). InD is the positive class
 * (higher score = more InD), so AUROC = P(S_InD > S_OOD) + ½ P(tie).
 *
 * Sun & Xu get the structural components from midranks: with Tx, Ty the midranks within InD (m) and OOD (n) and Tz
 * those in the pooled sample, V10_i = (Tz_i − Tx_i)/n and V01_j = 1 − (Tz_{m+j} − Ty_j)/m. Tz_i − Tx_i is
 * #OOD < x_i + ½·#OOD = x_i, so here both come from one sort of each class and binary searches (the same numbers,
 * exact in floating point: counts and halves). Then S10 = cov(V10), S01 = cov(V01) across the k runs (ddof 1),
 * S = S10/m + S01/n, Var(AUC_r) = S_rr and for two runs z = (θ1 − θ2)/√(S11 + S22 − 2·S12).
 */

function sortedCopy(a: ArrayLike<number>, what: string): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!Number.isFinite(v)) throw new Error(`${what} score #${i + 1} is not a finite number (${v})`);
    out[i] = v;
  }
  return out.sort();
}

/** First index with sorted[k] ≥ v (lower) or > v (upper). */
function lowerBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
function upperBound(sorted: Float64Array, v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface StructuralComponents {
  auc: number;
  /** Per InD sample i: (#OOD < x_i + ½ #OOD = x_i) / n. */
  v10: Float64Array;
  /** Per OOD sample j: (#InD > y_j + ½ #InD = y_j) / m. */
  v01: Float64Array;
}

export function structuralComponents(ind: ArrayLike<number>, ood: ArrayLike<number>): StructuralComponents {
  const m = ind.length;
  const n = ood.length;
  if (m === 0 || n === 0) throw new Error(`DeLong needs at least one InD and one OOD score (got ${m} InD, ${n} OOD)`);
  const xs = sortedCopy(ind, 'InD');
  const ys = sortedCopy(ood, 'OOD');
  const v10 = new Float64Array(m);
  const v01 = new Float64Array(n);
  let twice = 0;
  for (let i = 0; i < m; i++) {
    const x = ind[i]!;
    const below = lowerBound(ys, x);
    const twiceCount = 2 * below + (upperBound(ys, x) - below);
    twice += twiceCount;
    v10[i] = twiceCount / (2 * n);
  }
  for (let j = 0; j < n; j++) {
    const y = ood[j]!;
    const atOrBelow = upperBound(xs, y);
    const below = lowerBound(xs, y);
    v01[j] = (2 * (m - atOrBelow) + (atOrBelow - below)) / (2 * m);
  }
  return { auc: twice / (2 * m * n), v10, v01 };
}

function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}

/** Sample covariance (ddof 1), two-pass like numpy.cov. */
function cov(a: Float64Array, b: Float64Array): number {
  const k = a.length;
  if (k < 2) return 0;
  const ma = mean(a);
  const mb = mean(b);
  let s = 0;
  for (let i = 0; i < k; i++) s += (a[i]! - ma) * (b[i]! - mb);
  return s / (k - 1);
}

export interface DelongSingle {
  auc: number;
  variance: number;
  se: number;
}

/** AUROC with DeLong's variance for one run. */
export function delongVariance(ind: ArrayLike<number>, ood: ArrayLike<number>): DelongSingle {
  const c = structuralComponents(ind, ood);
  const variance = cov(c.v10, c.v10) / ind.length + cov(c.v01, c.v01) / ood.length;
  return { auc: c.auc, variance, se: Math.sqrt(variance) };
}

export interface DelongPaired {
  aucA: number;
  aucB: number;
  varA: number;
  varB: number;
  covAB: number;
  /** aucA − aucB */
  delta: number;
  /** Standard error of the difference. */
  se: number;
  z: number;
  /** Two-sided p-value of H0: AUC_A = AUC_B. */
  p: number;
}

/**
 * The paired DeLong test of two runs scored on the same samples: ind[A][i] and ind[B][i] are one InD sample,
 * ood[A][j] and ood[B][j] one OOD sample (align them by sample id first).
 */
export function delongPaired(indA: ArrayLike<number>, oodA: ArrayLike<number>, indB: ArrayLike<number>, oodB: ArrayLike<number>): DelongPaired {
  const m = indA.length;
  const n = oodA.length;
  if (indB.length !== m || oodB.length !== n) throw new Error(`DeLong's paired test needs both runs scored on the same samples (InD ${m} vs ${indB.length}, OOD ${n} vs ${oodB.length})`);
  const a = structuralComponents(indA, oodA);
  const b = structuralComponents(indB, oodB);
  const varA = cov(a.v10, a.v10) / m + cov(a.v01, a.v01) / n;
  const varB = cov(b.v10, b.v10) / m + cov(b.v01, b.v01) / n;
  const covAB = cov(a.v10, b.v10) / m + cov(a.v01, b.v01) / n;
  const delta = a.auc - b.auc;
  const v = varA + varB - 2 * covAB;
  const se = Math.sqrt(Math.max(0, v));
  // Identical scores (or any case with no spread of the difference): no evidence of a difference unless the AUCs differ.
  const z = se > 0 ? delta / se : delta === 0 ? 0 : Math.sign(delta) * Infinity;
  return { aucA: a.auc, aucB: b.auc, varA, varB, covAB, delta, se, z, p: Number.isFinite(z) ? twoSidedP(z) : 0 };
}
