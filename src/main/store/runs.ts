import type { Db } from './db';
import { pluckStmt, stmt } from './statement-cache';

/** The schema's CHECK on runs.status. */
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** A row of `runs` as stored; the *_json columns are JSON text. */
export interface RunRow {
  id: number;
  kind: string;
  name: string;
  config_json: string;
  seed: number;
  model_hashes_json: string;
  data_json: string;
  status: RunStatus;
  error: string | null;
  checkpoint_path: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

/** A run to add; what is left out takes the column's default ('{}' for the JSON columns, null otherwise). */
export interface NewRun {
  kind: string;
  name: string;
  configJson: string;
  seed: number;
  status: RunStatus;
  createdAt: number;
  modelHashesJson?: string;
  dataJson?: string;
  error?: string | null;
  checkpointPath?: string | null;
  startedAt?: number | null;
  finishedAt?: number | null;
}

export function insertRun(db: Db, r: NewRun): number {
  return Number(
    stmt(db, 'INSERT INTO runs (kind, name, config_json, seed, model_hashes_json, data_json, status, error, checkpoint_path, created_at, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      r.kind,
      r.name,
      r.configJson,
      r.seed,
      r.modelHashesJson ?? '{}',
      r.dataJson ?? '{}',
      r.status,
      r.error ?? null,
      r.checkpointPath ?? null,
      r.createdAt,
      r.startedAt ?? null,
      r.finishedAt ?? null,
    ).lastInsertRowid,
  );
}

export function getRun(db: Db, id: number): RunRow | undefined {
  return stmt(db, 'SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
}

/** Every run id, newest first. */
export function runIdsNewestFirst(db: Db): number[] {
  return pluckStmt(db, 'SELECT id FROM runs ORDER BY id DESC').all() as number[];
}

/** The oldest run of a kind (the zero-shot baseline is made once and reused). */
export function firstRunIdOfKind(db: Db, kind: string): number | undefined {
  return pluckStmt(db, 'SELECT id FROM runs WHERE kind = ? ORDER BY id LIMIT 1').get(kind) as number | undefined;
}

/** Completed runs of a kind, the most recently finished first (ties: the newer run first). */
export function completedRunIdsLatestFirst(db: Db, kind: string): number[] {
  return pluckStmt(db, "SELECT id FROM runs WHERE kind = ? AND status = 'completed' ORDER BY finished_at DESC, id DESC").all(kind) as number[];
}

export function runDataJson(db: Db, id: number): string | undefined {
  return pluckStmt(db, 'SELECT data_json FROM runs WHERE id = ?').get(id) as string | undefined;
}

export function setRunDataJson(db: Db, id: number, dataJson: string): void {
  stmt(db, 'UPDATE runs SET data_json = ? WHERE id = ?').run(dataJson, id);
}

/**
 * A training job took the run: running, error cleared, first start kept, with what the job loaded. A run already
 * completed (its job was killed after the last epoch's commit) stays completed, finish time and all.
 */
export function markRunRunning(db: Db, id: number, startedAt: number, dataJson: string, modelHashesJson: string): void {
  stmt(
    db,
    "UPDATE runs SET status = CASE status WHEN 'completed' THEN status ELSE 'running' END, error = NULL, finished_at = CASE status WHEN 'completed' THEN finished_at END, started_at = COALESCE(started_at, ?), data_json = ?, model_hashes_json = ? WHERE id = ?",
  ).run(startedAt, dataJson, modelHashesJson, id);
}

export function markRunFailed(db: Db, id: number, error: string, finishedAt: number): void {
  stmt(db, "UPDATE runs SET status = 'failed', error = ?, finished_at = ? WHERE id = ?").run(error, finishedAt, id);
}

export function markRunCompleted(db: Db, id: number, finishedAt: number, dataJson: string): void {
  stmt(db, "UPDATE runs SET status = 'completed', error = NULL, finished_at = ?, data_json = ? WHERE id = ?").run(finishedAt, dataJson, id);
}

/** Stopped by the user: the training job is paused, so the run can resume where it stopped. */
export function markRunCancelled(db: Db, id: number): void {
  stmt(db, "UPDATE runs SET status = 'cancelled' WHERE id = ?").run(id);
}

/** Queued again (resumed): the last error no longer applies. */
export function markRunQueued(db: Db, id: number): void {
  stmt(db, "UPDATE runs SET status = 'queued', error = NULL WHERE id = ?").run(id);
}

export function setRunCheckpoint(db: Db, id: number, checkpointPath: string): void {
  stmt(db, 'UPDATE runs SET checkpoint_path = ? WHERE id = ?').run(checkpointPath, id);
}
