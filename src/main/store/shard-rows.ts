import { copyRows, inList } from './copy-rows';
import type { Db } from './db';
import type { PromptVersionRow } from './prompts';
import { rowsOf, writeOf } from './statements';

/** What a shard bundle copies from its parent and gives back to it: datasets, images, prompt versions, candidates, cached features. */

/**
 * Every column of a candidate row (`SELECT *`). Also a plain record: a bundle from an older schema may carry
 * fewer columns, so merge copies whatever keys the row has.
 */
export type CandidateRecord = Record<string, unknown> & {
  id: number;
  prompt_version_id: number | null;
  job_id: number | null;
  file_path: string;
  thumb_path: string | null;
  /** Absent in a bundle written before schema version 6. */
  unguided_path?: string | null;
  previews_json: string;
};

/** A cached feature row: the key, its dimension and the float32 bytes. */
export type CachedFeatureRow = { image_sha256: string; model_sha256: string; prep: string; dim: number; data: Buffer };

/** The datasets of these images, with the parent's ids. */
export function copyDatasetsOfImages(parent: Db, bundle: Db, imageIds: readonly number[]): number {
  return copyRows(parent, bundle, 'datasets', 'id IN (SELECT DISTINCT dataset_id FROM images WHERE id IN (SELECT value FROM json_each(?)))', [inList(imageIds)]);
}

/** ALL classes of these images' datasets (the source-class probability is a softmax over every class). */
export function copyClassesOfImages(parent: Db, bundle: Db, imageIds: readonly number[]): number {
  const datasets = 'id IN (SELECT DISTINCT dataset_id FROM images WHERE id IN (SELECT value FROM json_each(?)))';
  return copyRows(parent, bundle, 'classes', `dataset_id IN (SELECT id FROM datasets WHERE ${datasets}) ORDER BY id`, [inList(imageIds)]);
}

/** Every registered model (paths are absolute: a cluster shares them read-only). */
export function copyModels(parent: Db, bundle: Db): number {
  return copyRows(parent, bundle, 'models', '1 ORDER BY id');
}

/** The selected negative labels (neg-text2img draws from them by position). */
export function copySelectedLabels(parent: Db, bundle: Db): number {
  return copyRows(parent, bundle, 'neg_labels', 'selected = 1 ORDER BY id');
}

export function copyImages(parent: Db, bundle: Db, imageIds: readonly number[]): number {
  return copyRows(parent, bundle, 'images', 'id IN (SELECT value FROM json_each(?)) ORDER BY id', [inList(imageIds)]);
}

export function copyPromptVersions(parent: Db, bundle: Db, versionIds: readonly number[]): number {
  return copyRows(parent, bundle, 'prompt_versions', 'id IN (SELECT value FROM json_each(?)) ORDER BY id', [inList(versionIds)]);
}

/** The versions a bundle wrote itself (all but those it inherited), per image in version order. */
export function newPromptVersions(db: Db, inheritedIds: readonly number[]): PromptVersionRow[] {
  return rowsOf<PromptVersionRow>(db, 'SELECT * FROM prompt_versions WHERE id NOT IN (SELECT value FROM json_each(?)) ORDER BY image_id, version').all(inList(inheritedIds));
}

export function candidatesOfJob(db: Db, jobId: number): CandidateRecord[] {
  return rowsOf<CandidateRecord>(db, 'SELECT * FROM candidates WHERE job_id = ? ORDER BY id').all(jobId);
}

export function allCachedFeatures(db: Db): CachedFeatureRow[] {
  return rowsOf<CachedFeatureRow>(db, 'SELECT * FROM feature_cache ORDER BY image_sha256, model_sha256, prep').all();
}

/** Inserts a candidate with exactly these columns (a bundle's rows carry the columns of its schema). */
export function insertCandidateColumns(db: Db, columns: readonly string[], values: readonly unknown[]): void {
  writeOf(db, `INSERT INTO candidates (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(...values);
}

/** A cached feature the project may already hold (the same key always means the same bytes). */
export function insertCachedFeatureIfMissing(db: Db, f: CachedFeatureRow): void {
  writeOf(db, 'INSERT OR IGNORE INTO feature_cache (image_sha256, model_sha256, prep, dim, data) VALUES (?, ?, ?, ?, ?)').run(f.image_sha256, f.model_sha256, f.prep, f.dim, f.data);
}
