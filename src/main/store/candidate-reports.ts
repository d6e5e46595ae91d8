import type { Db } from './db';
import { rowsOf } from './statements';

/** Reads of candidates joined with what they came from, for the dataset export and the review record. */

/** One accepted candidate with its label, source image and class, and pinned prompt text. */
export interface AcceptedCandidateRow {
  id: number;
  file_path: string;
  label_id: number | null;
  word: string | null;
  pos: 'noun' | 'adj' | null;
  label_source: 'model' | 'human' | null;
  label_margin: number | null;
  source_path: string | null;
  class_name: string | null;
  prompt: string | null;
  objective: string;
  seed: number;
  config_json: string;
  energy: number | null;
  msp: number | null;
  neglabel_score: number | null;
  source_class_prob: number | null;
}

/** The accepted candidates in id order: what training uses and what the dataset export writes. */
export function acceptedCandidateRows(db: Db): AcceptedCandidateRow[] {
  return rowsOf<AcceptedCandidateRow>(
    db,
    `SELECT c.id, c.file_path, c.label_id, l.word, l.pos, c.label_source, c.label_margin, si.path AS source_path, cl.name AS class_name,
              pv.prompt, c.objective, c.seed, c.config_json, c.energy, c.msp, c.neglabel_score, c.source_class_prob
         FROM candidates c
         LEFT JOIN neg_labels l ON l.id = c.label_id
         LEFT JOIN images si ON si.id = c.source_image_id
         LEFT JOIN classes cl ON cl.id = c.class_id
         LEFT JOIN prompt_versions pv ON pv.id = c.prompt_version_id
        WHERE c.status = 'accepted'
        ORDER BY c.id`,
  ).all();
}

/** A candidate as the review record samples it. */
export interface SampleCandidateRow {
  id: number;
  status: string;
  objective: string;
  energy: number | null;
  msp: number | null;
  neglabel_score: number | null;
  source_class_prob: number | null;
  label_margin: number | null;
  file_path: string;
  thumb_path: string | null;
  word: string | null;
}

const SAMPLE_SELECT = `SELECT c.id, c.status, c.objective, c.energy, c.msp, c.neglabel_score, c.source_class_prob, c.label_margin, c.file_path, c.thumb_path, l.word
  FROM candidates c LEFT JOIN neg_labels l ON l.id = c.label_id`;

export function sampleCandidate(db: Db, id: number): SampleCandidateRow | undefined {
  return rowsOf<SampleCandidateRow>(db, `${SAMPLE_SELECT} WHERE c.id = ?`).get(id);
}

/** Every candidate with this curation status, in id order. */
export function sampleCandidatesWithStatus(db: Db, status: 'accepted' | 'rejected'): SampleCandidateRow[] {
  return rowsOf<SampleCandidateRow>(db, `${SAMPLE_SELECT} WHERE c.status = '${status === 'accepted' ? 'accepted' : 'rejected'}' ORDER BY c.id`).all();
}

/** One row of a contact sheet: a candidate with its source image, its unguided image and the scores it is judged by. */
export interface ContactSheetRow {
  id: number;
  class_id: number;
  class_name: string;
  objective: string;
  msp: number | null;
  energy: number | null;
  source_class_prob: number | null;
  file_path: string;
  unguided_path: string | null;
  source_path: string;
}

/**
 * Up to `perClass` candidates of each source class, classes by name, candidates in id order; those that kept their
 * unguided image come first (older candidates fill a class only when it has too few).
 */
export function contactSheetRows(db: Db, perClass: number): ContactSheetRow[] {
  return rowsOf<ContactSheetRow>(
    db,
    `SELECT c.id, c.class_id, cl.name AS class_name, c.objective, c.msp, c.energy, c.source_class_prob, c.file_path, c.unguided_path, si.path AS source_path
       FROM (SELECT *, row_number() OVER (PARTITION BY class_id ORDER BY unguided_path IS NULL, id) AS rank
               FROM candidates WHERE source_image_id IS NOT NULL AND class_id IS NOT NULL) c
       JOIN images si ON si.id = c.source_image_id JOIN classes cl ON cl.id = c.class_id
      WHERE c.rank <= ? ORDER BY cl.name, c.class_id, c.rank`,
  ).all(perClass);
}
