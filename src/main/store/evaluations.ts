import type { Db } from './db';
import { pluckStmt, stmt } from './statement-cache';

/** A row of `evaluations` as stored; switches_json and curves_json are JSON text. */
export interface EvaluationDbRow {
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
  curves_json: string | null;
  created_at: number;
}

export interface NewEvaluation {
  runId: number;
  /** Null for a foreign run's evaluation: its OOD set lives in another project. */
  oodDatasetId: number | null;
  oodName: string;
  auroc: number;
  fpr95Mos: number;
  fpr95OpenOod: number;
  auprIn: number | null;
  auprOut: number | null;
  nInd: number;
  nOod: number;
  switchesJson: string;
  curvesJson: string | null;
  createdAt: number;
}

/** The metric columns of an evaluation row. */
export type EvaluationMetrics = Pick<NewEvaluation, 'auroc' | 'fpr95Mos' | 'fpr95OpenOod' | 'auprIn' | 'auprOut' | 'nInd' | 'nOod'>;

/** Just the stored metric columns of a metrics record (one computed now, or one read from a run bundle). */
export function evaluationMetrics(m: EvaluationMetrics): EvaluationMetrics {
  return { auroc: m.auroc, fpr95Mos: m.fpr95Mos, fpr95OpenOod: m.fpr95OpenOod, auprIn: m.auprIn, auprOut: m.auprOut, nInd: m.nInd, nOod: m.nOod };
}

export function insertEvaluation(db: Db, e: NewEvaluation): number {
  return Number(
    stmt(
      db,
      'INSERT INTO evaluations (run_id, ood_dataset_id, ood_name, auroc, fpr95_mos, fpr95_openood, aupr_in, aupr_out, n_ind, n_ood, switches_json, curves_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(e.runId, e.oodDatasetId, e.oodName, e.auroc, e.fpr95Mos, e.fpr95OpenOod, e.auprIn, e.auprOut, e.nInd, e.nOod, e.switchesJson, e.curvesJson, e.createdAt).lastInsertRowid,
  );
}

/** A run may be evaluated more than once: its newest row per OOD set, in the order they were written. */
export function latestEvaluationRows(db: Db, runId: number): EvaluationDbRow[] {
  return stmt(db, 'SELECT e.* FROM evaluations e WHERE e.run_id = ? AND e.id = (SELECT max(e2.id) FROM evaluations e2 WHERE e2.run_id = e.run_id AND e2.ood_name = e.ood_name) ORDER BY e.id').all(
    runId,
  ) as EvaluationDbRow[];
}

/** How many distinct OOD sets a run was evaluated on. */
export function countEvaluatedSets(db: Db, runId: number): number {
  return pluckStmt(db, 'SELECT count(DISTINCT ood_name) FROM evaluations WHERE run_id = ?').get(runId) as number;
}

/** An evaluation's curves as written (null when it has none); undefined when there is no such evaluation. */
export function evaluationCurvesJson(db: Db, id: number): string | null | undefined {
  return pluckStmt(db, 'SELECT curves_json FROM evaluations WHERE id = ?').get(id) as string | null | undefined;
}
