import type { Db } from '../../store/db';
import { markRunFailed as markRunFailedRow, markRunRunning, runDataJson } from '../../store/runs';

/** The run row's bookkeeping, so the Runs page shows what a training job is doing and what it trained on. */
export function markRunStarted(db: Db, runId: number, data: Record<string, unknown>, modelHashes: Record<string, unknown>): void {
  const dataJson = runDataJson(db, runId);
  if (dataJson === undefined) throw new Error(`run ${runId} does not exist`);
  // The runs service wrote what it saw at queue time; what the job actually loaded is added beside it.
  const merged = { ...(JSON.parse(dataJson) as Record<string, unknown>), ...data };
  // A run already completed (its job was killed after the last epoch's commit) stays completed.
  markRunRunning(db, runId, Date.now(), JSON.stringify(merged), JSON.stringify(modelHashes));
}

export function markRunFailed(db: Db, runId: number, error: string): void {
  markRunFailedRow(db, runId, error, Date.now());
}

