import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import type { Db } from '../store/db';
import { candidateWhere } from './candidate-query';
import type { StudioContext } from './context';

type Field = 'status' | 'label';
const COLUMN: Record<Field, string> = { status: 'status', label: 'label_id' };

/** A batch is applied when its newest log entry is a 'do' or 'redo'. */
export function batchStates(db: Db): { batch: number; applied: boolean }[] {
  return (
    db.prepare('SELECT d.batch, d.kind FROM decisions d JOIN (SELECT batch, max(seq) AS seq FROM decisions GROUP BY batch) last ON last.seq = d.seq ORDER BY d.batch').all() as {
      batch: number;
      kind: string;
    }[]
  ).map((r) => ({ batch: r.batch, applied: r.kind !== 'undo' }));
}

/**
 * The batch redo re-applies: the most recently undone one, as long as no new decision was made after it was undone
 * (a new decision discards what was undone before it, as in any editor's undo stack).
 */
export function redoTarget(db: Db): number | null {
  const newestStart = db.prepare("SELECT min(seq) FROM decisions WHERE batch = (SELECT max(batch) FROM decisions) AND kind = 'do'").pluck().get() as number | null;
  if (newestStart === null) return null;
  const undone = batchStates(db).filter((b) => !b.applied);
  let best: { batch: number; at: number } | null = null;
  const lastSeq = db.prepare('SELECT max(seq) FROM decisions WHERE batch = ?').pluck();
  for (const b of undone) {
    const at = lastSeq.get(b.batch) as number;
    if (at > newestStart && (!best || at > best.at)) best = { batch: b.batch, at };
  }
  return best?.batch ?? null;
}

/** Re-applies a batch's 'do' entries forwards (redo) or backwards (undo), logging the walk as new entries. */
function replay(db: Db, batch: number, kind: 'undo' | 'redo'): number {
  const rows = db.prepare("SELECT candidate_id, field, old_value, new_value FROM decisions WHERE batch = ? AND kind = 'do' ORDER BY seq").all(batch) as {
    candidate_id: number;
    field: Field;
    old_value: string | null;
    new_value: string | null;
  }[];
  const log = db.prepare('INSERT INTO decisions (batch, candidate_id, field, old_value, new_value, kind, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const now = Date.now();
  const ordered = kind === 'undo' ? [...rows].reverse() : rows;
  for (const r of ordered) {
    const [from, to] = kind === 'undo' ? [r.new_value, r.old_value] : [r.old_value, r.new_value];
    db.prepare(`UPDATE candidates SET ${COLUMN[r.field]} = ?${r.field === 'label' ? ", label_source = 'human'" : ''} WHERE id = ?`).run(
      r.field === 'label' && to !== null ? Number(to) : to,
      r.candidate_id,
    );
    log.run(batch, r.candidate_id, r.field, from, to, kind, now);
  }
  return rows.length;
}

export function curationHandlers(ctx: StudioContext): Pick<Handlers, 'curation.decide' | 'curation.undo' | 'curation.redo'> {
  return {
    'curation.decide': ({ target, decision }) => {
      const { db } = ctx.project();
      if (decision.status === undefined && decision.labelId === undefined) throw new ApiError('invalid_input', 'a decision needs a status or a label', [{ path: 'decision', message: 'empty' }]);
      if (decision.labelId !== undefined && decision.labelId !== null && !db.prepare('SELECT 1 FROM neg_labels WHERE id = ?').get(decision.labelId)) {
        throw new ApiError('not_found', `negative label ${decision.labelId} does not exist`, [{ path: 'decision.labelId', message: 'unknown label' }]);
      }
      const out = db.transaction(() => {
        let ids: number[];
        if (target.type === 'ids') ids = target.ids;
        else {
          const w = candidateWhere(target.filter);
          ids = db.prepare(`SELECT c.id FROM candidates c WHERE ${w.sql} ORDER BY c.id`).pluck().all(...w.params) as number[];
        }
        const batch = ((db.prepare('SELECT max(batch) FROM decisions').pluck().get() as number | null) ?? 0) + 1;
        const read = db.prepare('SELECT status, label_id FROM candidates WHERE id = ?');
        const log = db.prepare("INSERT INTO decisions (batch, candidate_id, field, old_value, new_value, kind, created_at) VALUES (?, ?, ?, ?, ?, 'do', ?)");
        const setStatus = db.prepare('UPDATE candidates SET status = ? WHERE id = ?');
        const setLabel = db.prepare("UPDATE candidates SET label_id = ?, label_source = 'human' WHERE id = ?");
        const now = Date.now();
        let changed = 0;
        for (const id of ids) {
          const cur = read.get(id) as { status: string; label_id: number | null } | undefined;
          if (!cur) throw new ApiError('not_found', `candidate ${id} does not exist`);
          let touched = false;
          if (decision.status !== undefined && decision.status !== cur.status) {
            log.run(batch, id, 'status', cur.status, decision.status, now);
            setStatus.run(decision.status, id);
            touched = true;
          }
          if (decision.labelId !== undefined && decision.labelId !== cur.label_id) {
            log.run(batch, id, 'label', cur.label_id === null ? null : String(cur.label_id), decision.labelId === null ? null : String(decision.labelId), now);
            setLabel.run(decision.labelId, id);
            touched = true;
          }
          if (touched) changed++;
        }
        return { batch, changed };
      })();
      ctx.changed('candidates');
      return out;
    },
    'curation.undo': () => {
      const { db } = ctx.project();
      const out = db.transaction(() => {
        const applied = batchStates(db).filter((b) => b.applied);
        const last = applied[applied.length - 1];
        if (!last) return { batch: null, changed: 0 };
        return { batch: last.batch, changed: replay(db, last.batch, 'undo') };
      })();
      ctx.changed('candidates');
      return out;
    },
    'curation.redo': () => {
      const { db } = ctx.project();
      const out = db.transaction(() => {
        const next = redoTarget(db);
        if (next === null) return { batch: null, changed: 0 };
        return { batch: next, changed: replay(db, next, 'redo') };
      })();
      ctx.changed('candidates');
      return out;
    },
  };
}
