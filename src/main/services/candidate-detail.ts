import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import { SUGGEST_REJECT_PROB, type IterationPreview } from '../../shared/api/routes/candidate-detail';
import { galleryRow, galleryRows, statusCounts, undecidedAtLeast } from '../store/candidate-queries';
import { candidateDetailExtra } from '../store/candidates';
import type { Db } from '../store/db';
import { assignmentHistory } from '../store/label-assignments';
import { batchStates, redoTarget } from './curation';
import { parseJson, parseRecord } from './json';
import type { StudioContext } from './context';

/** previews_json as the generate stage writes it; entries that do not fit are dropped rather than shown broken. */
export function readPreviews(text: string | null): IterationPreview[] {
  const raw = parseJson<unknown>(text, []);
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((p, i) => {
    if (typeof p === 'string') return [{ iteration: i + 1, path: p, loss: null }];
    if (p && typeof p === 'object' && typeof (p as { path?: unknown }).path === 'string') {
      const o = p as { iteration?: unknown; path: string; loss?: unknown };
      return [{ iteration: typeof o.iteration === 'number' ? o.iteration : i + 1, path: o.path, loss: typeof o.loss === 'number' ? o.loss : null }];
    }
    return [];
  });
}

export function readLosses(text: string | null): number[] {
  const raw = parseJson<unknown>(text, []);
  return Array.isArray(raw) ? raw.filter((v): v is number => typeof v === 'number') : [];
}

/** Undo and redo availability, derived from the same log walk curation.ts uses. */
function undoState(db: Db): { canUndo: boolean; canRedo: boolean; batches: number } {
  const states = batchStates(db);
  return { canUndo: states.some((b) => b.applied), canRedo: redoTarget(db) !== null, batches: states.length };
}

export function candidateDetailHandlers(ctx: StudioContext): Pick<Handlers, 'candidate.get' | 'candidate.rows' | 'curation.counts' | 'curation.state'> {
  return {
    'candidate.get': ({ id }) => {
      const { db } = ctx.project();
      const row = galleryRow(db, id);
      if (!row) throw new ApiError('not_found', `candidate ${id} does not exist`);
      const extra = candidateDetailExtra(db, id);
      if (!extra) throw new ApiError('not_found', `candidate ${id} does not exist`);
      const assignments = assignmentHistory(db, id);
      return {
        ...row,
        classId: extra.class_id,
        sourceFilePath: extra.source_path,
        unguidedFilePath: extra.unguided_path,
        prompt: extra.prompt,
        promptVersion: extra.version,
        promptAuthor: extra.author,
        previews: readPreviews(extra.previews_json),
        losses: readLosses(extra.losses_json),
        config: parseRecord(extra.config_json),
        jobId: extra.job_id,
        assignments,
      };
    },
    'candidate.rows': ({ ids }) => {
      if (ids.length === 0) return [];
      const { db } = ctx.project();
      return galleryRows(db, ids);
    },
    'curation.counts': ({ filter }) => {
      const { db } = ctx.project();
      const by = statusCounts(db, filter);
      // Suggested rejects are a to-do list: a candidate already accepted or rejected is no longer a suggestion.
      const suggested = undecidedAtLeast(db, filter, SUGGEST_REJECT_PROB);
      return { new: by.get('new') ?? 0, accepted: by.get('accepted') ?? 0, rejected: by.get('rejected') ?? 0, suggestedRejects: suggested };
    },
    'curation.state': () => undoState(ctx.project().db),
  };
}
