import type { EvaluationRow, MetricsSummary } from '../../shared/api/routes/evaluations';
import type { Db } from '../store/db';
import { parseRecord } from './json';

interface Row {
  id: number;
  run_id: number;
  ood_dataset_id: number | null;
  ood_name: string;
  auroc: number;
  fpr95_mos: number;
  fpr95_openood: number;
  aupr_in: number | null;
  aupr_out: number | null;
  n_ind: number;
  n_ood: number;
  switches_json: string;
  created_at: number;
}

/** A run may be evaluated more than once; the newest result per OOD set is the one shown and compared. */
export function latestEvaluations(db: Db, runId: number): EvaluationRow[] {
  const rows = db
    .prepare('SELECT e.* FROM evaluations e WHERE e.run_id = ? AND e.id = (SELECT max(e2.id) FROM evaluations e2 WHERE e2.run_id = e.run_id AND e2.ood_name = e.ood_name) ORDER BY e.id')
    .all(runId) as Row[];
  return rows.map((r) => ({
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
