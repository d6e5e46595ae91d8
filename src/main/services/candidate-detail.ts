import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import { SUGGEST_REJECT_PROB, type IterationPreview } from '../../shared/api/routes/candidate-detail';
import type { CandidateRow } from '../../shared/api/routes/candidates';
import type { Db } from '../store/db';
import { assignmentHistory } from '../store/label-assignments';
import { candidateWhere } from './candidate-query';
import { CANDIDATE_SELECT } from './candidates';
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
      const row = db.prepare(`${CANDIDATE_SELECT} WHERE c.id = ?`).get(id) as CandidateRow | undefined;
      if (!row) throw new ApiError('not_found', `candidate ${id} does not exist`);
      const extra = db
        .prepare(
          `SELECT c.class_id, c.previews_json, c.losses_json, c.config_json, c.job_id, si.path AS source_path, pv.prompt, pv.version, pv.author
           FROM candidates c LEFT JOIN images si ON si.id = c.source_image_id LEFT JOIN prompt_versions pv ON pv.id = c.prompt_version_id WHERE c.id = ?`,
        )
        .get(id) as {
        class_id: number | null;
        previews_json: string;
        losses_json: string;
        config_json: string;
        job_id: number | null;
        source_path: string | null;
        prompt: string | null;
        version: number | null;
        author: 'model' | 'human' | null;
      };
      const assignments = assignmentHistory(db, id);
      return {
        ...row,
        classId: extra.class_id,
        sourceFilePath: extra.source_path,
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
      return db.prepare(`${CANDIDATE_SELECT} WHERE c.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as CandidateRow[];
    },
    'curation.counts': ({ filter }) => {
      const { db } = ctx.project();
      const w = candidateWhere(filter);
      // Grouping by status rides the status index; the suggested count rides the probability index.
      const by = new Map((db.prepare(`SELECT c.status, count(*) AS n FROM candidates c WHERE ${w.sql} GROUP BY c.status`).all(...w.params) as { status: string; n: number }[]).map((r) => [r.status, r.n]));
      // Suggested rejects are a to-do list: a candidate already accepted or rejected is no longer a suggestion.
      const suggested = db.prepare(`SELECT count(*) FROM candidates c WHERE ${w.sql} AND c.source_class_prob >= ? AND c.status = 'new'`).pluck().get(...w.params, SUGGEST_REJECT_PROB) as number;
      return { new: by.get('new') ?? 0, accepted: by.get('accepted') ?? 0, rejected: by.get('rejected') ?? 0, suggestedRejects: suggested };
    },
    'curation.state': () => undoState(ctx.project().db),
  };
}
