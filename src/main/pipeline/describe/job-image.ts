import fs from 'node:fs';
import path from 'node:path';
import { ItemError } from '../../jobs/handler';
import type { Db } from '../../store/db';
import { stageImageRow } from '../../store/images';

/** A stored InD image as the describe and generate jobs read it. */
export interface StageImage {
  id: number;
  datasetId: number;
  classId: number | null;
  className: string | null;
  /** Project-relative, '/'-separated. */
  rel: string;
  abs: string;
}

/**
 * Looks an image up for a job item. A deleted row, an image skipped at import or a file gone from the project
 * is the item's problem, not the job's: each becomes an ItemError with the reason.
 */
export function stageImage(db: Db, projectRoot: string, imageId: number): StageImage {
  const row = stageImageRow(db, imageId);
  if (!row) throw new ItemError(`image ${imageId} no longer exists`);
  if (row.skip_reason !== null) throw new ItemError(`image ${row.path} was skipped at import: ${row.skip_reason}`);
  const abs = path.join(projectRoot, ...row.path.split('/'));
  if (!fs.existsSync(abs)) throw new ItemError(`unreadable source image ${row.path}: the file is missing from the project`);
  return { id: row.id, datasetId: row.dataset_id, classId: row.class_id, className: row.class_name, rel: row.path, abs };
}
