import type { Db } from './db';
import { stmt } from './statement-cache';

/** One entry of a candidate's label history, newest first when listed. */
export interface AssignmentEntry {
  label: string;
  prob: number;
  margin: number;
  source: 'model' | 'human';
  createdAt: number;
}

/** Appends the model's assignment to a candidate's label history (the history is never rewritten). */
export function insertModelAssignment(db: Db, candidateId: number, labelId: number, prob: number, margin: number, createdAt: number): void {
  stmt(db, "INSERT INTO label_assignments (candidate_id, label_id, prob, margin, source, created_at) VALUES (?, ?, ?, ?, 'model', ?)").run(candidateId, labelId, prob, margin, createdAt);
}

/** A candidate's label history with each label's word, newest first. */
export function assignmentHistory(db: Db, candidateId: number): AssignmentEntry[] {
  return stmt(
    db,
    'SELECT nl.word AS label, la.prob, la.margin, la.source, la.created_at AS createdAt FROM label_assignments la JOIN neg_labels nl ON nl.id = la.label_id WHERE la.candidate_id = ? ORDER BY la.id DESC',
  ).all(candidateId) as AssignmentEntry[];
}
