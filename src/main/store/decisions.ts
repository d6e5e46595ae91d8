import type { Db } from './db';
import { rowsOf, valuesOf, writeOf } from './statements';

/** The append-only curation log (`decisions`): undo and redo walk it by batch. */

export type DecisionField = 'status' | 'label';
export type DecisionKind = 'do' | 'undo' | 'redo';

/** Each batch with the kind of its newest entry, in batch order. */
export function lastKindPerBatch(db: Db): { batch: number; kind: string }[] {
  return rowsOf<{ batch: number; kind: string }>(
    db,
    'SELECT d.batch, d.kind FROM decisions d JOIN (SELECT batch, max(seq) AS seq FROM decisions GROUP BY batch) last ON last.seq = d.seq ORDER BY d.batch',
  ).all();
}

/** Where the newest batch's own decisions start (its first 'do' entry); null when the log is empty. */
export function newestBatchStart(db: Db): number | null {
  return valuesOf<number | null>(db, "SELECT min(seq) FROM decisions WHERE batch = (SELECT max(batch) FROM decisions) AND kind = 'do'").get() ?? null;
}

export function lastSeqOfBatch(db: Db, batch: number): number | null {
  return valuesOf<number | null>(db, 'SELECT max(seq) FROM decisions WHERE batch = ?').get(batch) ?? null;
}

export function maxBatch(db: Db): number | null {
  return valuesOf<number | null>(db, 'SELECT max(batch) FROM decisions').get() ?? null;
}

/** A batch's original decisions, in the order they were made. */
export function batchDecisions(db: Db, batch: number): { candidate_id: number; field: DecisionField; old_value: string | null; new_value: string | null }[] {
  return rowsOf<{ candidate_id: number; field: DecisionField; old_value: string | null; new_value: string | null }>(
    db,
    "SELECT candidate_id, field, old_value, new_value FROM decisions WHERE batch = ? AND kind = 'do' ORDER BY seq",
  ).all(batch);
}

export function logDecision(db: Db, e: { batch: number; candidateId: number; field: DecisionField; from: string | null; to: string | null; kind: DecisionKind; at: number }): void {
  writeOf(db, 'INSERT INTO decisions (batch, candidate_id, field, old_value, new_value, kind, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    e.batch,
    e.candidateId,
    e.field,
    e.from,
    e.to,
    e.kind,
    e.at,
  );
}
