import type { Db } from './db';
import { pluckStmt, stmt } from './statement-cache';

/** The record of a foreign run: the bundle it came in, where from (origin_json), and its hash. Final once written. */
export interface NewRunImport {
  runId: number;
  bundleSha256: string;
  formatVersion: number;
  originJson: string;
  /** Project-relative path of the stored bundle. */
  bundlePath: string;
  importedAt: number;
}

export function insertRunImport(db: Db, r: NewRunImport): void {
  stmt(db, 'INSERT INTO run_imports (run_id, bundle_sha256, format_version, origin_json, bundle_path, imported_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    r.runId,
    r.bundleSha256,
    r.formatVersion,
    r.originJson,
    r.bundlePath,
    r.importedAt,
  );
}

/** The stored bundle of a foreign run (project-relative); undefined for a run made here. */
export function importedBundlePath(db: Db, runId: number): string | undefined {
  return pluckStmt(db, 'SELECT bundle_path FROM run_imports WHERE run_id = ?').get(runId) as string | undefined;
}

export function importedOriginJson(db: Db, runId: number): string | undefined {
  return pluckStmt(db, 'SELECT origin_json FROM run_imports WHERE run_id = ?').get(runId) as string | undefined;
}

/** Every foreign run with its origin as written, by run id. */
export function listRunImports(db: Db): { run_id: number; origin_json: string }[] {
  return stmt(db, 'SELECT run_id, origin_json FROM run_imports ORDER BY run_id').all() as { run_id: number; origin_json: string }[];
}

/** The run a bundle with this hash was imported as, if it was. */
export function runIdOfBundle(db: Db, bundleSha256: string): number | undefined {
  return pluckStmt(db, 'SELECT run_id FROM run_imports WHERE bundle_sha256 = ?').get(bundleSha256) as number | undefined;
}
