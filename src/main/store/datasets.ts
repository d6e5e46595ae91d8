import type { Dataset } from '../../shared/api/routes/datasets';
import type { Db } from './db';
import { rowsOf, valuesOf, writeOf } from './statements';

/** Reads and writes of `datasets`. */

export type DatasetKind = Dataset['kind'];

export function countDatasets(db: Db): number {
  return valuesOf<number>(db, 'SELECT count(*) FROM datasets').get() ?? 0;
}

export function datasetNameTaken(db: Db, name: string): boolean {
  return rowsOf<unknown>(db, 'SELECT 1 FROM datasets WHERE name = ?').get(name) !== undefined;
}

export function insertDataset(db: Db, d: { name: string; kind: DatasetKind; sourcePath: string; sourceJson: string; createdAt: number }): number {
  return Number(
    writeOf(db, 'INSERT INTO datasets (name, kind, source_path, source_json, created_at) VALUES (?, ?, ?, ?, ?)').run(d.name, d.kind, d.sourcePath, d.sourceJson, d.createdAt)
      .lastInsertRowid,
  );
}

export function datasetKind(db: Db, id: number): string | undefined {
  return valuesOf<string>(db, 'SELECT kind FROM datasets WHERE id = ?').get(id);
}

/** Ids of every dataset of a kind, in id order. */
export function datasetIdsOfKind(db: Db, kind: DatasetKind): number[] {
  return valuesOf<number>(db, 'SELECT id FROM datasets WHERE kind = ? ORDER BY id').all(kind);
}

/** Every dataset of a kind, in id order. */
export function datasetsOfKind(db: Db, kind: DatasetKind): { id: number; name: string }[] {
  return rowsOf<{ id: number; name: string }>(db, 'SELECT id, name FROM datasets WHERE kind = ? ORDER BY id').all(kind);
}

/** The dataset with this id, if it is of this kind. */
export function datasetOfKind(db: Db, id: number, kind: DatasetKind): { id: number; name: string } | undefined {
  return rowsOf<{ id: number; name: string }>(db, 'SELECT id, name FROM datasets WHERE id = ? AND kind = ?').get(id, kind);
}

/** Those of `ids` that are datasets of this kind, in id order. */
export function datasetsOfKindAmong(db: Db, kind: DatasetKind, ids: readonly number[]): { id: number; name: string }[] {
  return rowsOf<{ id: number; name: string }>(db, 'SELECT id, name FROM datasets WHERE kind = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id').all(
    kind,
    JSON.stringify(ids),
  );
}

export function datasetIdByName(db: Db, name: string, kind: DatasetKind): number | undefined {
  return valuesOf<number>(db, 'SELECT id FROM datasets WHERE name = ? AND kind = ?').get(name, kind);
}

export interface DatasetSummaryRow {
  id: number;
  name: string;
  kind: DatasetKind;
  source_path: string;
  created_at: number;
  image_count: number;
  skipped_count: number;
  class_count: number;
}

/** Every dataset with its usable, skipped and class counts, in id order. */
export function datasetSummaries(db: Db): DatasetSummaryRow[] {
  return rowsOf<DatasetSummaryRow>(
    db,
    `SELECT d.id, d.name, d.kind, d.source_path, d.created_at,
             (SELECT count(*) FROM images i WHERE i.dataset_id = d.id AND i.skip_reason IS NULL) AS image_count,
             (SELECT count(*) FROM images i WHERE i.dataset_id = d.id AND i.skip_reason IS NOT NULL) AS skipped_count,
             (SELECT count(*) FROM classes c WHERE c.dataset_id = d.id) AS class_count
           FROM datasets d ORDER BY d.id`,
  ).all();
}
