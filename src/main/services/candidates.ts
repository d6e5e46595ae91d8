import type { Handlers } from '../../shared/api';
import type { CandidateFilter, CandidateRow } from '../../shared/api/routes/candidates';
import type { Db } from '../store/db';
import { candidateWhere, SORT_COLUMN } from './candidate-query';
import { decodeCursor, encodeCursor } from './cursor';
import type { StudioContext } from './context';

/** The gallery row: shared by listing and by refreshing rows already on screen. */
export const CANDIDATE_SELECT = `SELECT c.id, c.source_image_id AS sourceImageId, cl.name AS sourceClassName, c.objective, c.status, c.seed, c.energy, c.msp,
  c.neglabel_score AS neglabelScore, c.source_class_prob AS sourceClassProb, c.label_id AS labelId, nl.word AS label, c.label_source AS labelSource, c.label_margin AS labelMargin,
  c.thumb_path AS thumbPath, c.file_path AS filePath, si.thumb_path AS sourceThumbPath, c.created_at AS createdAt
FROM candidates c
LEFT JOIN classes cl ON cl.id = c.class_id
LEFT JOIN neg_labels nl ON nl.id = c.label_id
LEFT JOIN images si ON si.id = c.source_image_id`;

function countCandidates(db: Db, filter: CandidateFilter): number {
  const w = candidateWhere(filter);
  return (db.prepare(`SELECT count(*) FROM candidates c WHERE ${w.sql}`).pluck().get(...w.params) as number) ?? 0;
}

export function candidateHandlers(ctx: StudioContext): Pick<Handlers, 'candidate.list' | 'candidate.count'> {
  return {
    'candidate.count': ({ filter }) => ({ total: countCandidates(ctx.project().db, filter) }),
    'candidate.list': ({ filter, sort, desc, after, limit, withTotal }) => {
      const { db } = ctx.project();
      const col = SORT_COLUMN[sort];
      const w = candidateWhere(filter, { forSortedPage: true });
      const cmp = desc ? '<' : '>';
      const dir = desc ? 'DESC' : 'ASC';
      // Keyset over (sort value, id). Rows whose sort value is NULL come after all others, paged by id alone.
      const cursor = after ? decodeCursor(after) : null;
      const items: CandidateRow[] = [];
      if (!cursor || cursor.v !== null) {
        const keyset = cursor ? `AND (${col}, c.id) ${cmp} (?, ?)` : '';
        const rows = db
          .prepare(`${CANDIDATE_SELECT} WHERE ${w.sql} AND ${col} IS NOT NULL ${keyset} ORDER BY ${col} ${dir}, c.id ${dir} LIMIT ?`)
          .all(...w.params, ...(cursor ? [cursor.v, cursor.id] : []), limit + 1) as CandidateRow[];
        items.push(...rows);
      }
      if (items.length <= limit) {
        const idAfter = cursor && cursor.v === null ? `AND c.id ${cmp} ?` : '';
        const rows = db
          .prepare(`${CANDIDATE_SELECT} WHERE ${w.sql} AND ${col} IS NULL ${idAfter} ORDER BY c.id ${dir} LIMIT ?`)
          .all(...w.params, ...(cursor && cursor.v === null ? [cursor.id] : []), limit + 1 - items.length) as CandidateRow[];
        items.push(...rows);
      }
      const more = items.length > limit;
      const pageItems = items.slice(0, limit);
      const last = pageItems[pageItems.length - 1];
      const sortValue = (r: CandidateRow): number | null => {
        switch (sort) {
          case 'created':
            return r.createdAt;
          case 'energy':
            return r.energy;
          case 'msp':
            return r.msp;
          case 'neglabel_score':
            return r.neglabelScore;
          case 'source_class_prob':
            return r.sourceClassProb;
          case 'label_margin':
            return r.labelMargin;
        }
      };
      // Counting every page would cost a scan each time: only a first page asked for it carries the total.
      const total = after || !withTotal ? null : countCandidates(db, filter);
      return { items: pageItems, next: more && last ? encodeCursor({ v: sortValue(last), id: last.id }) : null, total };
    },
  };
}
