import type { Db } from './db';
import { rowsOf, writeOf } from './statements';

/** The one `project` row: the project's name and when it was created. */

export interface ProjectRow {
  id: number;
  name: string;
  created_at: number;
}

export function projectRow(db: Db): ProjectRow | undefined {
  return rowsOf<ProjectRow>(db, 'SELECT id, name, created_at FROM project WHERE id = 1').get();
}

export function insertProjectRow(db: Db, name: string, createdAt: number): void {
  writeOf(db, 'INSERT INTO project (id, name, created_at) VALUES (1, ?, ?)').run(name, createdAt);
}

/** The schema version (`user_version`) the file is at. */
export function schemaVersion(db: Db): number {
  const v: unknown = db.pragma('user_version', { simple: true });
  return typeof v === 'number' ? v : 0;
}
