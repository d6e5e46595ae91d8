import type { ImageRow } from '../../shared/api/routes/datasets';
import type { PromptImage } from '../../shared/api/routes/prompts';
import type { Db } from './db';
import { rowsOf, valuesOf, writeOf } from './statements';

/** Reads and writes of `images`: import, subset selection, and the image lists stages and pages walk. */

/** Usable (not skipped) images of the InD training datasets. */
const USABLE_IND_TRAIN = "skip_reason IS NULL AND dataset_id IN (SELECT id FROM datasets WHERE kind = 'ind-train')";

export function imageExists(db: Db, id: number): boolean {
  return rowsOf<unknown>(db, 'SELECT 1 FROM images WHERE id = ?').get(id) !== undefined;
}

export function imagePath(db: Db, id: number): string | undefined {
  return valuesOf<string>(db, 'SELECT path FROM images WHERE id = ?').get(id);
}

/** How many of these ids name an image. */
export function countExisting(db: Db, ids: readonly number[]): number {
  return valuesOf<number>(db, 'SELECT count(*) FROM images WHERE id IN (SELECT value FROM json_each(?))').get(JSON.stringify(ids)) ?? 0;
}

export function selectedImageIds(db: Db): number[] {
  return valuesOf<number>(db, 'SELECT id FROM images WHERE selected = 1 ORDER BY id').all();
}

/** The selected subset's usable InD-train images, in id order. */
export function selectedIndTrainIds(db: Db): number[] {
  return valuesOf<number>(db, `SELECT id FROM images WHERE selected = 1 AND ${USABLE_IND_TRAIN} ORDER BY id`).all();
}

export function indTrainIdsOfClasses(db: Db, classIds: readonly number[]): number[] {
  return valuesOf<number>(db, `SELECT id FROM images WHERE class_id IN (SELECT value FROM json_each(?)) AND ${USABLE_IND_TRAIN} ORDER BY id`).all(JSON.stringify(classIds));
}

/** Those of `ids` that are usable InD-train images, in id order. */
export function indTrainIdsAmong(db: Db, ids: readonly number[]): number[] {
  return valuesOf<number>(db, `SELECT id FROM images WHERE id IN (SELECT value FROM json_each(?)) AND ${USABLE_IND_TRAIN} ORDER BY id`).all(JSON.stringify(ids));
}

export function countUsableIndTrain(db: Db): number {
  return valuesOf<number>(db, `SELECT count(*) FROM images WHERE ${USABLE_IND_TRAIN}`).get() ?? 0;
}

/** Selected images not skipped at import (any dataset). */
export function countSelectedUsable(db: Db): number {
  return valuesOf<number>(db, 'SELECT count(*) FROM images WHERE selected = 1 AND skip_reason IS NULL').get() ?? 0;
}

/** Usable image ids of one class, in id order. */
export function usableIdsOfClass(db: Db, classId: number): number[] {
  return valuesOf<number>(db, 'SELECT id FROM images WHERE class_id = ? AND skip_reason IS NULL ORDER BY id').all(classId);
}

/** Usable image paths of one dataset, in id order. */
export function usablePathsOfDataset(db: Db, datasetId: number): string[] {
  return valuesOf<string>(db, 'SELECT path FROM images WHERE dataset_id = ? AND skip_reason IS NULL ORDER BY id').all(datasetId);
}

/** Usable images of one dataset with their content hash, in id order. */
export function usableHashesOfDataset(db: Db, datasetId: number): { id: number; sha256: string | null }[] {
  return rowsOf<{ id: number; sha256: string | null }>(db, 'SELECT id, sha256 FROM images WHERE dataset_id = ? AND skip_reason IS NULL ORDER BY id').all(datasetId);
}

/** The InD-train images training uses (classed, usable; only the selected ones when `selectedOnly`), in id order. */
const TRAIN_BASE = `skip_reason IS NULL AND class_id IS NOT NULL AND dataset_id IN (SELECT id FROM datasets WHERE kind = 'ind-train')`;

export function countSelectedTrainable(db: Db): number {
  return valuesOf<number>(db, `SELECT count(*) FROM images WHERE selected = 1 AND ${TRAIN_BASE}`).get() ?? 0;
}

export function trainableImages(db: Db, selectedOnly: boolean): { path: string; class_id: number }[] {
  return rowsOf<{ path: string; class_id: number }>(db, `SELECT path, class_id FROM images WHERE ${selectedOnly ? 'selected = 1 AND ' : ''}${TRAIN_BASE} ORDER BY id`).all();
}

/** Content keys (sha256, or the path where none) of the usable InD-train images, sorted. */
export function indTrainContentKeys(db: Db, selectedOnly: boolean): string[] {
  return valuesOf<string>(
    db,
    `SELECT coalesce(sha256, 'path:' || path) FROM images WHERE skip_reason IS NULL ${selectedOnly ? 'AND selected = 1' : ''} AND dataset_id IN (SELECT id FROM datasets WHERE kind = 'ind-train') ORDER BY 1`,
  ).all();
}

/** A stored image with its class name, as the describe and generate jobs read it. */
export function stageImageRow(
  db: Db,
  id: number,
): { id: number; dataset_id: number; class_id: number | null; class_name: string | null; path: string; skip_reason: string | null } | undefined {
  return rowsOf<{ id: number; dataset_id: number; class_id: number | null; class_name: string | null; path: string; skip_reason: string | null }>(
    db,
    'SELECT i.id, i.dataset_id, i.class_id, c.name AS class_name, i.path, i.skip_reason FROM images i LEFT JOIN classes c ON c.id = i.class_id WHERE i.id = ?',
  ).get(id);
}

/** Whether a dataset has a row at the stored path of a usable image, or at the raw path of a skipped one. */
export function hasImageEntry(db: Db, datasetId: number, storedRel: string, rawRel: string): boolean {
  return !!rowsOf<unknown>(db, 'SELECT 1 FROM images WHERE dataset_id = ? AND ((path = ? AND skip_reason IS NULL) OR (path = ? AND skip_reason IS NOT NULL))').get(datasetId, storedRel, rawRel);
}

export interface NewImage {
  datasetId: number;
  classId: number | null;
  path: string;
  width: number | null;
  height: number | null;
  bytes: number;
  sha256: string | null;
  skipReason: string | null;
  thumbPath: string | null;
}

/** `selected` defaults to 0 as in the schema (the dev seed sets it). */
export function insertImage(db: Db, i: NewImage & { selected?: 0 | 1 }): number {
  return Number(
    writeOf(db, 'INSERT INTO images (dataset_id, class_id, path, width, height, bytes, sha256, skip_reason, thumb_path, selected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      i.datasetId,
      i.classId,
      i.path,
      i.width,
      i.height,
      i.bytes,
      i.sha256,
      i.skipReason,
      i.thumbPath,
      i.selected ?? 0,
    ).lastInsertRowid,
  );
}

/** What the subset ranking reads: classed, usable images with a known size, of the given datasets. */
export function rankableImages(db: Db, datasetIds: readonly number[]): { id: number; classId: number; bytes: number; width: number; height: number; path: string }[] {
  return rowsOf<{ id: number; classId: number; bytes: number; width: number; height: number; path: string }>(
    db,
    `SELECT id, class_id AS classId, bytes, width, height, path FROM images
       WHERE dataset_id IN (SELECT value FROM json_each(?)) AND skip_reason IS NULL AND class_id IS NOT NULL AND width > 0 AND height > 0`,
  ).all(JSON.stringify(datasetIds));
}

export function countUnclassedUsable(db: Db, datasetIds: readonly number[]): number {
  return valuesOf<number>(db, 'SELECT count(*) FROM images WHERE dataset_id IN (SELECT value FROM json_each(?)) AND skip_reason IS NULL AND class_id IS NULL').get(JSON.stringify(datasetIds)) ?? 0;
}

/** Replaces the selection within these datasets (the caller wraps it in a transaction). */
export function replaceSelection(db: Db, datasetIds: readonly number[], chosenIds: readonly number[]): void {
  writeOf(db, 'UPDATE images SET selected = 0 WHERE dataset_id IN (SELECT value FROM json_each(?)) AND selected = 1').run(JSON.stringify(datasetIds));
  const mark = writeOf(db, 'UPDATE images SET selected = 1 WHERE id = ?');
  for (const id of chosenIds) mark.run(id);
}

export function imageFiles(db: Db, ids: readonly number[]): { path: string; thumb_path: string | null }[] {
  return rowsOf<{ path: string; thumb_path: string | null }>(db, 'SELECT path, thumb_path FROM images WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids));
}

export function allImageKeys(db: Db): { id: number; path: string; sha256: string | null }[] {
  return rowsOf<{ id: number; path: string; sha256: string | null }>(db, 'SELECT id, path, sha256 FROM images').all();
}

export function imageKey(db: Db, id: number): { path: string; sha256: string | null } | undefined {
  return rowsOf<{ path: string; sha256: string | null }>(db, 'SELECT path, sha256 FROM images WHERE id = ?').get(id);
}

/** One page of a dataset's images (keyset by id), with class names. */
export function imagePage(db: Db, q: { datasetId: number; classId?: number | null; status?: 'ok' | 'skipped' | 'all'; afterId?: number; limit: number }): ImageRow[] {
  const where = ['i.dataset_id = ?'];
  const params: unknown[] = [q.datasetId];
  if (q.classId !== undefined && q.classId !== null) {
    where.push('i.class_id = ?');
    params.push(q.classId);
  }
  if (q.status === 'ok') where.push('i.skip_reason IS NULL');
  if (q.status === 'skipped') where.push('i.skip_reason IS NOT NULL');
  if (q.afterId !== undefined) {
    where.push('i.id > ?');
    params.push(q.afterId);
  }
  return rowsOf<ImageRow>(
    db,
    `SELECT i.id, i.dataset_id AS datasetId, i.class_id AS classId, c.name AS className, i.path, i.width, i.height, i.bytes, i.sha256, i.skip_reason AS skipReason, i.thumb_path AS thumbPath
           FROM images i LEFT JOIN classes c ON c.id = i.class_id WHERE ${where.join(' AND ')} ORDER BY i.id LIMIT ?`,
  ).all(...params, q.limit);
}

export type PromptImageRow = Omit<PromptImage, 'current'>;

const PROMPT_IMAGE_SELECT = `SELECT i.id AS imageId, i.dataset_id AS datasetId, i.class_id AS classId, c.name AS className, i.path, i.thumb_path AS thumbPath
  FROM images i JOIN datasets d ON d.id = i.dataset_id LEFT JOIN classes c ON c.id = i.class_id`;

export function promptImage(db: Db, id: number): PromptImageRow | undefined {
  return rowsOf<PromptImageRow>(db, `${PROMPT_IMAGE_SELECT} WHERE i.id = ?`).get(id);
}

/** One page of usable images for the prompt editor (keyset by id): one dataset, or all InD-train ones. */
export function promptImagePage(db: Db, q: { datasetId?: number; classId?: number; afterId?: number; limit: number }): PromptImageRow[] {
  const where = ['i.skip_reason IS NULL'];
  const params: unknown[] = [];
  if (q.datasetId !== undefined) {
    where.push('i.dataset_id = ?');
    params.push(q.datasetId);
  } else where.push("d.kind = 'ind-train'");
  if (q.classId !== undefined) {
    where.push('i.class_id = ?');
    params.push(q.classId);
  }
  if (q.afterId !== undefined) {
    where.push('i.id > ?');
    params.push(q.afterId);
  }
  return rowsOf<PromptImageRow>(db, `${PROMPT_IMAGE_SELECT} WHERE ${where.join(' AND ')} ORDER BY i.id LIMIT ?`).all(...params, q.limit);
}
