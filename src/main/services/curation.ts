import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import { candidateIdsMatching } from '../store/candidate-queries';
import { curationState, restoreLabel, setHumanLabel, setStatus } from '../store/candidates';
import type { Db } from '../store/db';
import { labelExists } from '../store/neg-labels';
import { batchDecisions, lastKindPerBatch, lastSeqOfBatch, logDecision, maxBatch, newestBatchStart } from '../store/decisions';
import type { StudioContext } from './context';

/** A batch is applied when its newest log entry is a 'do' or 'redo'. */
export function batchStates(db: Db): { batch: number; applied: boolean }[] {
  return lastKindPerBatch(db).map((r) => ({ batch: r.batch, applied: r.kind !== 'undo' }));
}

/**
 * The batch redo re-applies: the most recently undone one, as long as no new decision was made after it was undone
 * (a new decision discards what was undone before it, as in any editor's undo stack).
 */
export function redoTarget(db: Db): number | null {
  const newestStart = newestBatchStart(db);
  if (newestStart === null) return null;
  const undone = batchStates(db).filter((b) => !b.applied);
  let best: { batch: number; at: number } | null = null;
  for (const b of undone) {
    const at = lastSeqOfBatch(db, b.batch) ?? 0;
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
  const rows = batchDecisions(db, batch);
  const now = Date.now();
  const ordered = kind === 'undo' ? [...rows].reverse() : rows;
  let changed = 0;
  let skipped = 0;
  for (const r of ordered) {
    const [from, to] = kind === 'undo' ? [r.new_value, r.old_value] : [r.old_value, r.new_value];
    const cur = curationState(db, r.candidate_id);
    const current = cur ? (r.field === 'status' ? cur.status : cur.label_id === null ? null : String(cur.label_id)) : undefined;
    if (current !== from) {
      skipped++;
      continue;
    }
    // A label walked back to the one the model assigned is the model's again; any other is a curator's (restoreLabel).
    if (r.field === 'status') setStatus(db, r.candidate_id, to);
    else restoreLabel(db, r.candidate_id, to === null ? null : Number(to));
    logDecision(db, { batch, candidateId: r.candidate_id, field: r.field, from, to, kind, at: now });
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
        else ids = candidateIdsMatching(db, target.filter);
        const batch = (maxBatch(db) ?? 0) + 1;
        const now = Date.now();
        let changed = 0;
        for (const id of ids) {
          const cur = curationState(db, id);
          if (!cur) throw new ApiError('not_found', `candidate ${id} does not exist`);
          let touched = false;
          if (decision.status !== undefined && decision.status !== cur.status) {
            logDecision(db, { batch, candidateId: id, field: 'status', from: cur.status, to: decision.status, kind: 'do', at: now });
            setStatus(db, id, decision.status);
            touched = true;
          }
          if (decision.labelId !== undefined && decision.labelId !== cur.label_id) {
            const from = cur.label_id === null ? null : String(cur.label_id);
            logDecision(db, { batch, candidateId: id, field: 'label', from, to: decision.labelId === null ? null : String(decision.labelId), kind: 'do', at: now });
            setHumanLabel(db, id, decision.labelId);
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
