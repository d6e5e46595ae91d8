import { DEFAULT_RECALL_LEVEL, metricsFromTable, type OodMetrics } from './metrics';
import { buildTieTable } from './tie-table';

export interface OodSetScores {
  name: string;
  scores: ArrayLike<number>;
}

export interface MetricsSummary {
  auroc: number;
  fpr95Mos: number;
  fpr95OpenOod: number;
  auprIn: number;
  auprOut: number;
}

export interface MetricsReport {
  nInd: number;
  recallLevel: number;
  sets: Array<{ name: string; metrics: OodMetrics }>;
  /** Unweighted mean over the OOD sets, as the papers' "Average" column. */
  average: MetricsSummary;
}

/** Metrics of one InD score set against each OOD set, plus their unweighted average. */
export function evaluateOodSets(ind: ArrayLike<number>, sets: OodSetScores[], recallLevel = DEFAULT_RECALL_LEVEL): MetricsReport {
  if (sets.length === 0) throw new Error('evaluateOodSets: no OOD sets given');
  const results = sets.map((s) => ({ name: s.name, metrics: metricsFromTable(buildTieTable(ind, s.scores), recallLevel) }));
  const mean = (key: keyof MetricsSummary): number => results.reduce((acc, r) => acc + r.metrics[key], 0) / results.length;
  return {
    nInd: ind.length,
    recallLevel,
    sets: results,
    average: { auroc: mean('auroc'), fpr95Mos: mean('fpr95Mos'), fpr95OpenOod: mean('fpr95OpenOod'), auprIn: mean('auprIn'), auprOut: mean('auprOut') },
  };
}
