import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import type { Db } from '../store/db';
import { labelExists } from '../store/neg-labels';
import { candidateWhere } from './candidate-query';
import type { StudioContext } from './context';

type Field = 'status' | 'label';

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

/**
 * Re-applies a batch's 'do' entries forwards (redo) or backwards (undo), logging the walk as new entries. An entry
 * whose field no longer holds the value this walk starts from was changed since by a later decision (another
 * batch, another tool): it is skipped, so an undo never overwrites a newer change.
 */
function replay(db: Db, batch: number, kind: 'undo' | 'redo'): { changed: number; skipped: number } {
  const rows = db.prepare("SELECT candidate_id, field, old_value, new_value FROM decisions WHERE batch = ? AND kind = 'do' ORDER BY seq").all(batch) as {
    candidate_id: number;
    field: Field;
    old_value: string | null;
    new_value: string | null;
  }[];
  const log = db.prepare('INSERT INTO decisions (batch, candidate_id, field, old_value, new_value, kind, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const read = db.prepare('SELECT status, label_id FROM candidates WHERE id = ?');
  const setStatus = db.prepare('UPDATE candidates SET status = ? WHERE id = ?');
  // A label walked back to the one the model assigned is the model's again (assignment may update it); any other is a curator's.
  const setLabel = db.prepare(
    `UPDATE candidates SET label_id = @label, label_source = CASE WHEN @label IS NULL THEN NULL
       WHEN @label = (SELECT la.label_id FROM label_assignments la WHERE la.candidate_id = @id AND la.source = 'model' ORDER BY la.id DESC LIMIT 1) THEN 'model' ELSE 'human' END
     WHERE id = @id`,
  );
  const now = Date.now();
  const ordered = kind === 'undo' ? [...rows].reverse() : rows;
  let changed = 0;
  let skipped = 0;
  for (const r of ordered) {
    const [from, to] = kind === 'undo' ? [r.new_value, r.old_value] : [r.old_value, r.new_value];
    const cur = read.get(r.candidate_id) as { status: string; label_id: number | null } | undefined;
    const current = cur ? (r.field === 'status' ? cur.status : cur.label_id === null ? null : String(cur.label_id)) : undefined;
    if (current !== from) {
      skipped++;
      continue;
    }
    if (r.field === 'status') setStatus.run(to, r.candidate_id);
    else setLabel.run({ label: to === null ? null : Number(to), id: r.candidate_id });
    log.run(batch, r.candidate_id, r.field, from, to, kind, now);
    changed++;
  }
  return { changed, skipped };
}

export function curationHandlers(ctx: StudioContext): Pick<Handlers, 'curation.decide' | 'curation.undo' | 'curation.redo'> {
  return {
    'curation.decide': ({ target, decision }) => {
      const { db } = ctx.project();
      if (decision.status === undefined && decision.labelId === undefined) throw new ApiError('invalid_input', 'a decision needs a status or a label', [{ path: 'decision', message: 'empty' }]);
      if (decision.labelId !== undefined && decision.labelId !== null && !labelExists(db, decision.labelId)) {
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
    'curation.undo': ({ batch }) => {
      const { db } = ctx.project();
      const out = db.transaction(() => {
        const states = batchStates(db);
        let target: number;
        if (batch === undefined) {
          const applied = states.filter((b) => b.applied);
          const last = applied[applied.length - 1];
          if (!last) return { batch: null, changed: 0 };
          target = last.batch;
        } else {
          const st = states.find((b) => b.batch === batch);
          if (!st) throw new ApiError('not_found', `decision batch ${batch} does not exist`);
          if (!st.applied) throw new ApiError('conflict', `decision batch ${batch} is already undone`);
          target = batch;
        }
        return { batch: target, ...replay(db, target, 'undo') };
      })();
      ctx.changed('candidates');
      return out;
    },
    'curation.redo': ({ batch }) => {
      const { db } = ctx.project();
      const out = db.transaction(() => {
        let target: number | null;
        if (batch === undefined) target = redoTarget(db);
        else {
          const st = batchStates(db).find((b) => b.batch === batch);
          if (!st) throw new ApiError('not_found', `decision batch ${batch} does not exist`);
          if (st.applied) throw new ApiError('conflict', `decision batch ${batch} is not undone`);
          target = batch;
        }
        if (target === null) return { batch: null, changed: 0 };
        return { batch: target, ...replay(db, target, 'redo') };
      })();
      ctx.changed('candidates');
      return out;
    },
  };
}
