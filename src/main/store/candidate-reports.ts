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
