import type { Db } from '../../store/db';

/** The run row's bookkeeping, so the Runs page shows what a training job is doing and what it trained on. */
export function markRunStarted(db: Db, runId: number, data: Record<string, unknown>, modelHashes: Record<string, unknown>): void {
  const row = db.prepare('SELECT data_json FROM runs WHERE id = ?').get(runId) as { data_json: string } | undefined;
  if (!row) throw new Error(`run ${runId} does not exist`);
  // The runs service wrote what it saw at queue time; what the job actually loaded is added beside it.
  const merged = { ...(JSON.parse(row.data_json) as Record<string, unknown>), ...data };
  // A run already completed (its job was killed after the last epoch's commit) stays completed.
  db.prepare(
    "UPDATE runs SET status = CASE status WHEN 'completed' THEN status ELSE 'running' END, error = NULL, finished_at = CASE status WHEN 'completed' THEN finished_at END, started_at = COALESCE(started_at, ?), data_json = ?, model_hashes_json = ? WHERE id = ?",
  ).run(Date.now(), JSON.stringify(merged), JSON.stringify(modelHashes), runId);
}

export function markRunFailed(db: Db, runId: number, error: string): void {
  db.prepare("UPDATE runs SET status = 'failed', error = ?, finished_at = ? WHERE id = ?").run(error, Date.now(), runId);
}

