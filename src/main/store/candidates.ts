import type { Db } from './db';
import { rowsOf, valuesOf, writeOf } from './statements';

/**
 * Single-table reads and writes of `candidates`: generation inserts, label assignment, curation, training sets.
 * Gallery listing and paging live in candidate-queries.ts.
 */

export type CandidateStatus = 'new' | 'accepted' | 'rejected';

/** What the detail view adds to a gallery row: the generation record and the pinned prompt version. */
export interface CandidateDetailExtra {
  class_id: number | null;
  previews_json: string;
  losses_json: string;
  config_json: string;
  job_id: number | null;
  unguided_path: string | null;
  source_path: string | null;
  prompt: string | null;
  version: number | null;
  author: 'model' | 'human' | null;
}

export function candidateDetailExtra(db: Db, id: number): CandidateDetailExtra | undefined {
  return rowsOf<CandidateDetailExtra>(
    db,
    `SELECT c.class_id, c.previews_json, c.losses_json, c.config_json, c.job_id, c.unguided_path, si.path AS source_path, pv.prompt, pv.version, pv.author
           FROM candidates c LEFT JOIN images si ON si.id = c.source_image_id LEFT JOIN prompt_versions pv ON pv.id = c.prompt_version_id WHERE c.id = ?`,
  ).get(id);
}

export function candidateFile(db: Db, id: number): { id: number; file_path: string } | undefined {
  return rowsOf<{ id: number; file_path: string }>(db, 'SELECT id, file_path FROM candidates WHERE id = ?').get(id);
}

export function candidateFilePath(db: Db, id: number): string | undefined {
  return valuesOf<string>(db, 'SELECT file_path FROM candidates WHERE id = ?').get(id);
}

/** A candidate's image and pinned prompt version, as training reads it. */
export function trainingCandidate(db: Db, id: number): { id: number; file_path: string; prompt_version_id: number | null } | undefined {
  return rowsOf<{ id: number; file_path: string; prompt_version_id: number | null }>(db, 'SELECT id, file_path, prompt_version_id FROM candidates WHERE id = ?').get(id);
}

/** The candidates a run trains on now: accepted and labelled, in id order. */
export function acceptedLabelled(db: Db): { id: number; label_id: number; prompt_version_id: number | null }[] {
  return rowsOf<{ id: number; label_id: number; prompt_version_id: number | null }>(
    db,
    "SELECT id, label_id, prompt_version_id FROM candidates WHERE status = 'accepted' AND label_id IS NOT NULL ORDER BY id",
  ).all();
}

export function countAcceptedLabelled(db: Db): number {
  return valuesOf<number>(db, "SELECT count(*) FROM candidates WHERE status = 'accepted' AND label_id IS NOT NULL").get() ?? 0;
}

/** How each accepted, labelled candidate was generated (unordered). */
export function acceptedGenerationConfigs(db: Db): { objective: string; config_json: string | null }[] {
  return rowsOf<{ objective: string; config_json: string | null }>(db, "SELECT objective, config_json FROM candidates WHERE status = 'accepted' AND label_id IS NOT NULL").all();
}

/** The candidates labels.assign works on, in id order. */
export function candidateIdsInScope(db: Db, scope: 'accepted' | 'all' | 'unlabelled'): number[] {
  const where = { accepted: "WHERE status = 'accepted'", all: '', unlabelled: 'WHERE label_id IS NULL' }[scope];
  return valuesOf<number>(db, `SELECT id FROM candidates ${where} ORDER BY id`).all();
}

export function countUsingLabel(db: Db, labelId: number): number {
  return valuesOf<number>(db, 'SELECT count(*) FROM candidates WHERE label_id = ?').get(labelId) ?? 0;
}

export function countDistinctAcceptedLabels(db: Db): number {
  return valuesOf<number>(db, "SELECT count(DISTINCT label_id) FROM candidates WHERE status = 'accepted' AND label_id IS NOT NULL").get() ?? 0;
}

export function countUnlabelled(db: Db): number {
  return valuesOf<number>(db, 'SELECT count(*) FROM candidates WHERE label_id IS NULL').get() ?? 0;
}

export function countForJob(db: Db, jobId: number): number {
  return valuesOf<number>(db, 'SELECT count(*) FROM candidates WHERE job_id = ?').get(jobId) ?? 0;
}

/** The newest candidate a generate job wrote, with its source image's thumbnail. */
export function latestForJob(db: Db, jobId: number): { id: number; thumb_path: string | null; previews_json: string; losses_json: string; source_thumb: string | null } | undefined {
  return rowsOf<{ id: number; thumb_path: string | null; previews_json: string; losses_json: string; source_thumb: string | null }>(
    db,
    'SELECT c.id, c.thumb_path, c.previews_json, c.losses_json, si.thumb_path AS source_thumb FROM candidates c LEFT JOIN images si ON si.id = c.source_image_id WHERE c.job_id = ? ORDER BY c.id DESC LIMIT 1',
  ).get(jobId);
}

/** Earlier candidates from the same source image, seed and objective (repeat detection), in id order. */
export function sameSeedCandidates(db: Db, imageId: number, seed: number, objective: string): { id: number; job_id: number | null; config_json: string }[] {
  return rowsOf<{ id: number; job_id: number | null; config_json: string }>(
    db,
    'SELECT id, job_id, config_json FROM candidates WHERE source_image_id = ? AND seed = ? AND objective = ? ORDER BY id',
  ).all(imageId, seed, objective);
}

export interface GeneratedCandidate {
  sourceImageId: number;
  classId: number | null;
  promptVersionId: number | null;
  jobId: number;
  seed: number;
  objective: string;
  configJson: string;
  lossesJson: string;
  energy: number | null;
  msp: number | null;
  sourceClassProb: number | null;
  filePath: string;
  thumbPath: string | null;
  /** Iteration 1's decode (the unguided image); null when the job did not keep it. */
  unguidedPath: string | null;
  previewsJson: string;
  timingsJson: string;
  createdAt: number;
}

export function insertGenerated(db: Db, c: GeneratedCandidate): number {
  return Number(
    writeOf(
      db,
      `INSERT INTO candidates (source_image_id, class_id, prompt_version_id, job_id, seed, objective, config_json, losses_json, energy, msp, source_class_prob,
               file_path, thumb_path, unguided_path, previews_json, timings_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      c.sourceImageId,
      c.classId,
      c.promptVersionId,
      c.jobId,
      c.seed,
      c.objective,
      c.configJson,
      c.lossesJson,
      c.energy,
      c.msp,
      c.sourceClassProb,
      c.filePath,
      c.thumbPath,
      c.unguidedPath,
      c.previewsJson,
      c.timingsJson,
      c.createdAt,
    ).lastInsertRowid,
  );
}

/** A made-up candidate for the dev seed: status 'new', labelled by the model, no job. */
export interface SeedCandidate {
  sourceImageId: number;
  classId: number;
  promptVersionId: number;
  seed: number;
  objective: string;
  configJson: string;
  lossesJson: string;
  energy: number;
  msp: number;
  neglabelScore: number;
  sourceClassProb: number;
  labelId: number;
  labelMargin: number;
  filePath: string;
  thumbPath: string;
  unguidedPath: string | null;
  previewsJson: string;
  createdAt: number;
}

export function insertSeedCandidate(db: Db, c: SeedCandidate): number {
  return Number(
    writeOf(
      db,
      `INSERT INTO candidates (source_image_id, class_id, prompt_version_id, seed, objective, config_json, losses_json, energy, msp, neglabel_score, source_class_prob,
         status, label_id, label_source, label_margin, file_path, thumb_path, unguided_path, previews_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, 'model', ?, ?, ?, ?, ?, ?)`,
    ).run(
      c.sourceImageId,
      c.classId,
      c.promptVersionId,
      c.seed,
      c.objective,
      c.configJson,
      c.lossesJson,
      c.energy,
      c.msp,
      c.neglabelScore,
      c.sourceClassProb,
      c.labelId,
      c.labelMargin,
      c.filePath,
      c.thumbPath,
      c.unguidedPath,
      c.previewsJson,
      c.createdAt,
    ).lastInsertRowid,
  );
}

export function setNeglabelScore(db: Db, id: number, score: number): void {
  writeOf(db, 'UPDATE candidates SET neglabel_score = ? WHERE id = ?').run(score, id);
}

/** The model's label; a curator's relabel (label_source 'human') always wins over it. */
export function setModelLabel(db: Db, id: number, labelId: number, margin: number): void {
  writeOf(db, "UPDATE candidates SET label_id = ?, label_margin = ?, label_source = 'model' WHERE id = ? AND label_source IS NOT 'human'").run(labelId, margin, id);
}

/** The two fields curation decides. */
export function curationState(db: Db, id: number): { status: string; label_id: number | null } | undefined {
  return rowsOf<{ status: string; label_id: number | null }>(db, 'SELECT status, label_id FROM candidates WHERE id = ?').get(id);
}

export function setStatus(db: Db, id: number, status: string | null): void {
  writeOf(db, 'UPDATE candidates SET status = ? WHERE id = ?').run(status, id);
}

/** A curator's label choice. */
export function setHumanLabel(db: Db, id: number, labelId: number | null): void {
  writeOf(db, "UPDATE candidates SET label_id = ?, label_source = 'human' WHERE id = ?").run(labelId, id);
}

/** Undo/redo's label write: a label walked back to the one the model assigned is the model's again (assignment may update it); any other is a curator's. */
export function restoreLabel(db: Db, id: number, labelId: number | null): void {
  writeOf(
    db,
    `UPDATE candidates SET label_id = @label, label_source = CASE WHEN @label IS NULL THEN NULL
       WHEN @label = (SELECT la.label_id FROM label_assignments la WHERE la.candidate_id = @id AND la.source = 'model' ORDER BY la.id DESC LIMIT 1) THEN 'model' ELSE 'human' END
     WHERE id = @id`,
  ).run({ label: labelId, id });
}
