import type { Db } from './db';
import { pluckStmt, stmt } from './statement-cache';

/** The schema's CHECK on neg_labels.pos. */
export type LabelPos = 'noun' | 'adj';

/** A selected negative label as the OOD stages use it: the word and the template(s) its text features come from. */
export interface NegativeLabel {
  id: number;
  word: string;
  pos: LabelPos;
  template: string;
}

export interface LabelMatch {
  id: number;
  word: string;
  pos: LabelPos;
  /** 0 or 1, as stored. */
  selected: number;
}

export interface ScoredLabel {
  word: string;
  pos: LabelPos;
  /** mining_score: lower = farther from the InD classes; null for a label never scored. */
  score: number | null;
}

const UPSERT_SCORED =
  'INSERT INTO neg_labels (word, pos, template, mining_score) VALUES (?, ?, ?, ?) ON CONFLICT (word, pos) DO UPDATE SET template = excluded.template, mining_score = excluded.mining_score';

/** Writes a mined word's template and score, keeping its selected/tuned marks when it was mined before. */
export function upsertScoredLabel(db: Db, word: string, pos: LabelPos, template: string, score: number): void {
  stmt(db, UPSERT_SCORED).run(word, pos, template, score);
}

/** Adds a word as selected unless the (word, pos) pair already exists, which is then left as it is. */
export function insertSelectedLabelIfNew(db: Db, word: string, pos: LabelPos, template: string, score: number): void {
  stmt(db, 'INSERT OR IGNORE INTO neg_labels (word, pos, template, mining_score, selected) VALUES (?, ?, ?, ?, 1)').run(word, pos, template, score);
}

export function labelIdAndScore(db: Db, word: string, pos: LabelPos): { id: number; mining_score: number | null } | undefined {
  return stmt(db, 'SELECT id, mining_score FROM neg_labels WHERE word = ? AND pos = ?').get(word, pos) as { id: number; mining_score: number | null } | undefined;
}

/** Unselects every label: the start of writing a new selection. */
export function clearLabelSelection(db: Db): void {
  stmt(db, 'UPDATE neg_labels SET selected = 0 WHERE selected = 1').run();
}

export function selectLabelById(db: Db, id: number): void {
  stmt(db, 'UPDATE neg_labels SET selected = 1 WHERE id = ?').run(id);
}

export function selectLabelByWord(db: Db, word: string, pos: LabelPos): void {
  stmt(db, 'UPDATE neg_labels SET selected = 1 WHERE word = ? AND pos = ?').run(word, pos);
}

/** Selected labels in the order the OOD score reads them: nouns then adjectives, each by mining score, then id. */
export function selectedNegativeLabels(db: Db): NegativeLabel[] {
  return stmt(db, "SELECT id, word, pos, template FROM neg_labels WHERE selected = 1 ORDER BY pos = 'adj', mining_score, id").all() as NegativeLabel[];
}

/** Selected labels for export: nouns first, each part of speech in mining order (its rows' ids). */
export function selectedLabelsByPos(db: Db): ScoredLabel[] {
  return stmt(db, "SELECT word, pos, mining_score AS score FROM neg_labels WHERE selected = 1 ORDER BY CASE pos WHEN 'noun' THEN 0 ELSE 1 END, id").all() as ScoredLabel[];
}

export function selectedLabelIds(db: Db): number[] {
  return pluckStmt(db, 'SELECT id FROM neg_labels WHERE selected = 1 ORDER BY id').all() as number[];
}

/** The selected word at `offset` in id order (offset below countSelectedLabels). */
export function selectedWordAt(db: Db, offset: number): string | undefined {
  return pluckStmt(db, 'SELECT word FROM neg_labels WHERE selected = 1 ORDER BY id LIMIT 1 OFFSET ?').get(offset) as string | undefined;
}

export function countSelectedLabels(db: Db): number {
  return pluckStmt(db, 'SELECT count(*) FROM neg_labels WHERE selected = 1').get() as number;
}

export function countLabels(db: Db): number {
  return pluckStmt(db, 'SELECT count(*) FROM neg_labels').get() as number;
}

export function selectedCountsByPos(db: Db): { pos: LabelPos; n: number }[] {
  return stmt(db, 'SELECT pos, count(*) AS n FROM neg_labels WHERE selected = 1 GROUP BY pos').all() as { pos: LabelPos; n: number }[];
}

export function labelExists(db: Db, id: number): boolean {
  return stmt(db, 'SELECT 1 FROM neg_labels WHERE id = ?').get(id) !== undefined;
}

export function labelWordAndTemplate(db: Db, id: number): { id: number; word: string; template: string } | undefined {
  return stmt(db, 'SELECT id, word, template FROM neg_labels WHERE id = ?').get(id) as { id: number; word: string; template: string } | undefined;
}

export function labelWordAndPos(db: Db, id: number): { word: string; pos: string } | undefined {
  return stmt(db, 'SELECT word, pos FROM neg_labels WHERE id = ?').get(id) as { word: string; pos: string } | undefined;
}

/** Words of one selected-state starting with `prefix` (a range over the word index), alphabetical. */
export function labelsWithPrefix(db: Db, prefix: string, selected: 0 | 1, limit: number): LabelMatch[] {
  return stmt(db, 'SELECT id, word, pos, selected FROM neg_labels WHERE selected = ? AND word >= ? AND word < ? ORDER BY word LIMIT ?').all(selected, prefix, prefix + '\u{10ffff}', limit) as LabelMatch[];
}

/** Words of one selected-state containing `part` after their first character, alphabetical. */
export function labelsContaining(db: Db, part: string, selected: 0 | 1, limit: number): LabelMatch[] {
  return stmt(db, 'SELECT id, word, pos, selected FROM neg_labels WHERE selected = ? AND instr(word, ?) > 1 ORDER BY word LIMIT ?').all(selected, part, limit) as LabelMatch[];
}
