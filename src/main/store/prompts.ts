import type { Db } from './db';
import { rowsOf, valuesOf, writeOf } from './statements';

/** `prompt_versions`: append-only; the newest version per image is its current prompt. */

/** Every column of a version row (`SELECT *`); a type alias so it also passes as a plain record. */
export type PromptVersionRow = {
  id: number;
  image_id: number;
  version: number;
  author: 'model' | 'human';
  model: string | null;
  raw_answer: string | null;
  elements_json: string;
  prompt: string;
  created_at: number;
};

export function currentVersion(db: Db, imageId: number): PromptVersionRow | undefined {
  return rowsOf<PromptVersionRow>(db, 'SELECT * FROM prompt_versions WHERE image_id = ? ORDER BY version DESC LIMIT 1').get(imageId);
}

export function currentVersionId(db: Db, imageId: number): number | undefined {
  return valuesOf<number>(db, 'SELECT id FROM prompt_versions WHERE image_id = ? ORDER BY version DESC LIMIT 1').get(imageId);
}

/** The current prompt text of an image, with its version id. */
export function currentPrompt(db: Db, imageId: number): { id: number; prompt: string } | undefined {
  return rowsOf<{ id: number; prompt: string }>(db, 'SELECT id, prompt FROM prompt_versions WHERE image_id = ? ORDER BY version DESC LIMIT 1').get(imageId);
}

/** A pinned version's text, if it is still a version of this image. */
export function pinnedPrompt(db: Db, versionId: number, imageId: number): { id: number; prompt: string } | undefined {
  return rowsOf<{ id: number; prompt: string }>(db, 'SELECT id, prompt FROM prompt_versions WHERE id = ? AND image_id = ?').get(versionId, imageId);
}

export function versionById(db: Db, id: number): PromptVersionRow | undefined {
  return rowsOf<PromptVersionRow>(db, 'SELECT * FROM prompt_versions WHERE id = ?').get(id);
}

export function versionOfImage(db: Db, versionId: number, imageId: number): PromptVersionRow | undefined {
  return rowsOf<PromptVersionRow>(db, 'SELECT * FROM prompt_versions WHERE id = ? AND image_id = ?').get(versionId, imageId);
}

/** Every version of an image, newest first. */
export function versionsOfImage(db: Db, imageId: number): PromptVersionRow[] {
  return rowsOf<PromptVersionRow>(db, 'SELECT * FROM prompt_versions WHERE image_id = ? ORDER BY version DESC').all(imageId);
}

/** The next version number of an image; take it inside the transaction that inserts it. */
export function nextVersion(db: Db, imageId: number): number {
  return (valuesOf<number | null>(db, 'SELECT max(version) FROM prompt_versions WHERE image_id = ?').get(imageId) ?? 0) + 1;
}

export interface NewPromptVersion {
  imageId: number;
  version: number;
  author: 'model' | 'human';
  model: string | null;
  rawAnswer: string | null;
  elementsJson: string;
  prompt: string;
  createdAt: number;
}

export function insertVersion(db: Db, v: NewPromptVersion): number {
  return Number(
    writeOf(db, 'INSERT INTO prompt_versions (image_id, version, author, model, raw_answer, elements_json, prompt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      v.imageId,
      v.version,
      v.author,
      v.model,
      v.rawAnswer,
      v.elementsJson,
      v.prompt,
      v.createdAt,
    ).lastInsertRowid,
  );
}
