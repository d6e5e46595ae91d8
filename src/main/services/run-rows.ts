import type { Run, RunKind } from '../../shared/api/routes/runs';
import type { Db } from '../store/db';
import { countEvaluatedSets } from '../store/evaluations';
import { getRun, type RunRow } from '../store/runs';
import { ApiError } from '../../shared/api/errors';
import { averageOf, latestEvaluations } from './evaluation-rows';
import { latestTrainingJobOfRun } from '../store/job-items';

export type RunDbRow = RunRow;

const KINDS: readonly string[] = ['zero-shot', 'projection', 'labels'];

/** The job that trains or evaluates a run carries its id in its params. */
export function runJobId(db: Db, runId: number): number | null {
  return latestTrainingJobOfRun(db, runId);
}

export function runDbRow(db: Db, id: number): RunDbRow {
  const r = getRun(db, id);
  if (!r) throw new ApiError('not_found', `run ${id} does not exist`);
  return r;
}

export function toRun(db: Db, r: RunDbRow): Run {
  const avg = averageOf(latestEvaluations(db, r.id));
  const sets = countEvaluatedSets(db, r.id);
  return {
    id: r.id,
    // Runs written by a stage this build does not know still list, as the kind closest in meaning.
    kind: (KINDS.includes(r.kind) ? r.kind : 'projection') as RunKind,
    name: r.name,
    status: r.status,
    error: r.error,
    seed: r.seed,
    checkpointPath: r.checkpoint_path,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    jobId: runJobId(db, r.id),
    average: avg ? { auroc: avg.auroc, fpr95Mos: avg.fpr95Mos, sets } : null,
  };
}
