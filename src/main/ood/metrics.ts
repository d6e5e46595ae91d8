import { buildTieTable, type TieTable } from './tie-table';

/**
 * Scalar OOD metrics for one InD/OOD pair. Convention throughout: higher score = more InD.
 *
 * - auroc: scikit-learn roc_auc_score(InD = 1, S) — the trapezoid over the distinct-threshold ROC curve,
 *   so tied scores count as half-correct pairs. Identical in the OpenOOD convention (OOD = 1, −S).
 *   Computed from integer counts, exactly: Σ_g oodCount_g · (2·inAbove_g + inCount_g) / (2·nIn·nOod).
 *
 * - fpr95Mos (MOS / NegLabel / SynOOD tables). Their code is `fpr_and_fdr_at_recall(labels, S, 0.95)`
 *   (MOS utils/test_utils.py; NegLabel mmcls/utils/ood_evaluate.py, the same function), NOT roc_curve:
 *   with InD positive and distinct thresholds t_g descending, recall_g = #InD(S ≥ t_g)/nIn; it takes the
 *   thresholds up to the first one reaching recall 1, scans them from that one upwards, and picks the
 *   FIRST with minimal |recall_g − 0.95| (so the nearest recall, which may be just below 0.95; among
 *   equal distances the lower threshold). FPR = #OOD(S ≥ t)/nOod. No drop_intermediate is involved.
 *   It agrees with "first threshold with recall ≥ 0.95" whenever recall 0.95 is attained exactly (e.g.
 *   0.95·nIn integer and no InD ties across it), and can differ otherwise (fixture case recall_19).
 *
 * - fpr95OpenOod (OpenOOD v1.5 evaluators/metrics.py auc_and_fpr_recall): OOD positive,
 *   `fpr, tpr, _ = roc_curve(ood_indicator, -conf)` (drop_intermediate=True), fpr at np.argmax(tpr ≥ 0.95):
 *   the first kept curve point where ≥ 95% of OOD has S ≤ t; FPR = #InD(S ≤ t)/nIn. Because
 *   drop_intermediate removes collinear equally-spaced points, the first qualifying point can be
 *   skipped (e.g. runs of ties holding one InD and one OOD each); that is reproduced exactly, following
 *   scikit-learn 1.2.1's rule (the version that generated the test fixtures): keep end points and every
 *   point where the second difference of fps or tps is non-zero.
 *
 * - auprIn / auprOut: scikit-learn average_precision_score (step-wise, no interpolation) with InD
 *   positive on S, and OOD positive on −S, as NegLabel/MOS compute them. (OpenOOD instead integrates
 *   its PR curve with the trapezoid, metrics.auc(recall, precision), which gives slightly different values.)
 */
export interface OodMetrics {
  auroc: number;
  fpr95Mos: number;
  fpr95OpenOod: number;
  auprIn: number;
  auprOut: number;
  /** Score threshold of fpr95Mos: InD if S ≥ threshold. */
  thresholdMos: number;
  /** Score threshold of fpr95OpenOod: OOD if S ≤ threshold. */
  thresholdOpenOod: number;
  nInd: number;
  nOod: number;
}

export const DEFAULT_RECALL_LEVEL = 0.95;

export function aurocFromTable(t: TieTable): number {
  let inAbove = 0;
  let twiceArea = 0;
  for (let g = 0; g < t.values.length; g++) {
    twiceArea += t.oodCount[g]! * (2 * inAbove + t.inCount[g]!);
    inAbove += t.inCount[g]!;
  }
  return twiceArea / (2 * t.totalIn * t.totalOod);
}

export function fprAtRecallMos(t: TieTable, recallLevel = DEFAULT_RECALL_LEVEL): { fpr: number; threshold: number } {
  // Their scan runs from the first threshold reaching recall 1 back to the top and keeps the first
  // minimum; scanning forward and keeping the last minimum (<=) up to that threshold is the same choice.
  let ci = 0;
  let co = 0;
  let best = Infinity;
  let cutoff = 0;
  let fpAtCutoff = 0;
  for (let g = 0; g < t.values.length; g++) {
    ci += t.inCount[g]!;
    co += t.oodCount[g]!;
    const d = Math.abs(ci / t.totalIn - recallLevel);
    if (d <= best) {
      best = d;
      cutoff = g;
      fpAtCutoff = co;
    }
    if (ci === t.totalIn) break;
  }
  return { fpr: fpAtCutoff / t.totalOod, threshold: t.values[cutoff]! };
}

export function fprAtRecallOpenOod(t: TieTable, recallLevel = DEFAULT_RECALL_LEVEL): { fpr: number; threshold: number } {
  const n = t.values.length;
  // roc_curve on −S walks the distinct scores from the lowest up: OOD are the positives (tps), InD the
  // fps. Point i (group n−1−i) holds cumulative counts; the next point's counts are needed for the
  // second differences, so they are carried along instead of stored.
  let tpPrev = 0;
  let fpPrev = 0;
  // A tie table is never empty (buildTieTable needs one score of each kind).
  let tp = t.oodCount[n - 1]!;
  let fp = t.inCount[n - 1]!;
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    const tpNext = last ? tp : tp + t.oodCount[n - 2 - i]!;
    const fpNext = last ? fp : fp + t.inCount[n - 2 - i]!;
    // sklearn keeps i if it is an end point or a second difference of fps or tps is non-zero.
    const kept = n <= 2 || i === 0 || last || fpNext - 2 * fp + fpPrev !== 0 || tpNext - 2 * tp + tpPrev !== 0;
    if (kept && tp / t.totalOod >= recallLevel) return { fpr: fp / t.totalIn, threshold: t.values[n - 1 - i]! };
    tpPrev = tp;
    fpPrev = fp;
    tp = tpNext;
    fp = fpNext;
  }
  // Unreachable for recallLevel ≤ 1: the last point has tpr = 1.
  throw new Error(`no ROC point reaches OOD recall ${recallLevel}`);
}

/** average_precision_score with InD positive on S: Σ_g (ΔrecallIn_g) · precisionIn_g, thresholds descending. */
export function auprInFromTable(t: TieTable): number {
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (let g = 0; g < t.values.length; g++) {
    tp += t.inCount[g]!;
    fp += t.oodCount[g]!;
    if (t.inCount[g]! > 0) ap += (t.inCount[g]! / t.totalIn) * (tp / (tp + fp));
  }
  return ap;
}

/** average_precision_score with OOD positive on −S: the same sum over the scores taken from the lowest up. */
export function auprOutFromTable(t: TieTable): number {
  let tp = 0;
  let fp = 0;
  let ap = 0;
  for (let g = t.values.length - 1; g >= 0; g--) {
    tp += t.oodCount[g]!;
    fp += t.inCount[g]!;
    if (t.oodCount[g]! > 0) ap += (t.oodCount[g]! / t.totalOod) * (tp / (tp + fp));
  }
  return ap;
}

export function metricsFromTable(t: TieTable, recallLevel = DEFAULT_RECALL_LEVEL): OodMetrics {
  const mos = fprAtRecallMos(t, recallLevel);
  const openood = fprAtRecallOpenOod(t, recallLevel);
  return {
    auroc: aurocFromTable(t),
    fpr95Mos: mos.fpr,
    fpr95OpenOod: openood.fpr,
    auprIn: auprInFromTable(t),
    auprOut: auprOutFromTable(t),
    thresholdMos: mos.threshold,
    thresholdOpenOod: openood.threshold,
    nInd: t.totalIn,
    nOod: t.totalOod,
  };
}

/** All scalar metrics for InD scores vs OOD scores (higher = more InD). */
export function computeOodMetrics(ind: ArrayLike<number>, ood: ArrayLike<number>, recallLevel = DEFAULT_RECALL_LEVEL): OodMetrics {
  return metricsFromTable(buildTieTable(ind, ood), recallLevel);
}
