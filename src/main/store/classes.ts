import type { Db } from './db';
import { pluckStmt, stmt } from './statement-cache';

/** The classes of a dataset: one per class folder, `idx` being the folder's place in the import. */
export interface ClassRow {
  id: number;
  name: string;
}

export interface ClassWithCount extends ClassRow {
  /** Images of the class that were not skipped at import. */
  imageCount: number;
}

export function insertClass(db: Db, datasetId: number, name: string, idx: number): number {
  return Number(stmt(db, 'INSERT INTO classes (dataset_id, name, idx) VALUES (?, ?, ?)').run(datasetId, name, idx).lastInsertRowid);
}

/** A dataset's classes in import order. */
export function classesOfDataset(db: Db, datasetId: number): ClassRow[] {
  return stmt(db, 'SELECT id, name FROM classes WHERE dataset_id = ? ORDER BY idx').all(datasetId) as ClassRow[];
}

/** A dataset's classes in import order, each with its count of usable images. */
export function classesWithImageCounts(db: Db, datasetId: number): ClassWithCount[] {
  return stmt(db, 'SELECT c.id, c.name, (SELECT count(*) FROM images i WHERE i.class_id = c.id AND i.skip_reason IS NULL) AS imageCount FROM classes c WHERE c.dataset_id = ? ORDER BY c.idx').all(
    datasetId,
  ) as ClassWithCount[];
}

/** The classes of every InD-train dataset, dataset by dataset, each in import order. */
export function indTrainClassRows(db: Db): ClassRow[] {
  return stmt(db, "SELECT c.id, c.name FROM classes c JOIN datasets d ON d.id = c.dataset_id WHERE d.kind = 'ind-train' ORDER BY d.id, c.idx, c.id").all() as ClassRow[];
}

export function countIndTrainClasses(db: Db): number {
  return pluckStmt(db, "SELECT count(*) FROM classes WHERE dataset_id IN (SELECT id FROM datasets WHERE kind = 'ind-train')").get() as number;
}
