import type { Db } from './db';
import { pluckStmt, stmt } from './statement-cache';

export interface MetricPoint {
  step: number;
  epoch: number | null;
  value: number;
}

export interface NamedMetricPoint extends MetricPoint {
  name: string;
}

/** Keyed by (run, name, step): writing a step again (an epoch redone after a crash) replaces it, never adds to it. */
export function putMetric(db: Db, runId: number, name: string, step: number, epoch: number | null, value: number): void {
  stmt(db, 'INSERT OR REPLACE INTO run_metrics (run_id, name, step, epoch, value) VALUES (?, ?, ?, ?, ?)').run(runId, name, step, epoch, value);
}

/** The names of a run's series, alphabetical. */
export function metricNames(db: Db, runId: number): string[] {
  return pluckStmt(db, 'SELECT DISTINCT name FROM run_metrics WHERE run_id = ? ORDER BY name').all(runId) as string[];
}

/** One series of a run, by step. */
export function metricPoints(db: Db, runId: number, name: string): MetricPoint[] {
  return stmt(db, 'SELECT step, epoch, value FROM run_metrics WHERE run_id = ? AND name = ? ORDER BY step').all(runId, name) as MetricPoint[];
}

/** Every series of a run: by name, each by step. */
export function allMetrics(db: Db, runId: number): NamedMetricPoint[] {
  return stmt(db, 'SELECT name, step, epoch, value FROM run_metrics WHERE run_id = ? ORDER BY name, step').all(runId) as NamedMetricPoint[];
}
