import type { EvaluationRow, MetricsSummary } from '../../shared/api/routes/evaluations';
import type { Db } from '../store/db';
import { latestEvaluationRows } from '../store/evaluations';
import { parseRecord } from './json';

/** A run may be evaluated more than once; the newest result per OOD set is the one shown and compared. */
export function latestEvaluations(db: Db, runId: number): EvaluationRow[] {
  return latestEvaluationRows(db, runId).map((r) => ({
    id: r.id,
    runId: r.run_id,
    oodName: r.ood_name,
    oodDatasetId: r.ood_dataset_id,
    auroc: r.auroc,
    fpr95Mos: r.fpr95_mos,
    fpr95OpenOod: r.fpr95_openood,
    auprIn: r.aupr_in,
    auprOut: r.aupr_out,
    nInd: r.n_ind,
    nOod: r.n_ood,
    switches: parseRecord(r.switches_json),
    createdAt: r.created_at,
  }));
}

/** Unweighted mean over OOD sets, as the papers' "Average" column; AUPR only when every set has it. */
export function averageOf(rows: EvaluationRow[]): MetricsSummary | null {
  if (rows.length === 0) return null;
  const mean = (f: (r: EvaluationRow) => number) => rows.reduce((a, r) => a + f(r), 0) / rows.length;
  const meanOpt = (f: (r: EvaluationRow) => number | null) => (rows.every((r) => f(r) !== null) ? mean((r) => f(r)!) : null);
  return { auroc: mean((r) => r.auroc), fpr95Mos: mean((r) => r.fpr95Mos), fpr95OpenOod: mean((r) => r.fpr95OpenOod), auprIn: meanOpt((r) => r.auprIn), auprOut: meanOpt((r) => r.auprOut) };
}
