import type { CandidateFilter, CandidateRow, CandidateSort } from '../../shared/api/routes/candidates';
import { candidateWhere, SORT_COLUMN } from './candidate-filter';
import type { Db } from './db';
import { rowsOf, valuesOf } from './statements';

/** The gallery row: shared by listing, by refreshing rows already on screen and by the detail view. */
const CANDIDATE_SELECT = `SELECT c.id, c.source_image_id AS sourceImageId, cl.name AS sourceClassName, c.objective, c.status, c.seed, c.energy, c.msp,
  c.neglabel_score AS neglabelScore, c.source_class_prob AS sourceClassProb, c.label_id AS labelId, nl.word AS label, c.label_source AS labelSource, c.label_margin AS labelMargin,
  c.thumb_path AS thumbPath, c.file_path AS filePath, si.thumb_path AS sourceThumbPath, c.created_at AS createdAt
FROM candidates c
LEFT JOIN classes cl ON cl.id = c.class_id
LEFT JOIN neg_labels nl ON nl.id = c.label_id
LEFT JOIN images si ON si.id = c.source_image_id`;

/** How many candidates a gallery filter matches. */
export function countCandidates(db: Db, filter: CandidateFilter): number {
  const w = candidateWhere(filter);
  return valuesOf<number>(db, `SELECT count(*) FROM candidates c WHERE ${w.sql}`).get(...w.params) ?? 0;
}

/** The ids a gallery filter matches, in id order (bulk decisions act on exactly the set the gallery shows). */
export function candidateIdsMatching(db: Db, filter: CandidateFilter): number[] {
  const w = candidateWhere(filter);
  return valuesOf<number>(db, `SELECT c.id FROM candidates c WHERE ${w.sql} ORDER BY c.id`).all(...w.params);
}

export function galleryRow(db: Db, id: number): CandidateRow | undefined {
  return rowsOf<CandidateRow>(db, `${CANDIDATE_SELECT} WHERE c.id = ?`).get(id);
}

/** Rows already on screen, refreshed; ids that no longer exist drop out. */
export function galleryRows(db: Db, ids: readonly number[]): CandidateRow[] {
  return rowsOf<CandidateRow>(db, `${CANDIDATE_SELECT} WHERE c.id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids));
}

/** Keyset position: the last row's (sort value, id). */
export interface PageKey {
  v: number | null;
  id: number;
}

export interface PageRequest {
  filter: CandidateFilter;
  sort: CandidateSort;
  desc: boolean;
  /** The previous page's last row; absent for the first page. */
  after: PageKey | null;
  limit: number;
}

export interface CandidatePage {
  items: CandidateRow[];
  /** The key of the page's last row when more rows follow it, else null. */
  next: PageKey | null;
}

function sortValue(r: CandidateRow, sort: CandidateSort): number | null {
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
}

/**
 * One gallery page, keyset over (sort value, id): a row deleted or added between pages never shifts the next one
 * (no skip, no repeat). Rows whose sort value is NULL come after all others, paged by id alone.
 */
export function candidatePage(db: Db, req: PageRequest): CandidatePage {
  const { filter, sort, desc, after: cursor, limit } = req;
  const col = SORT_COLUMN[sort];
  const w = candidateWhere(filter, { forSortedPage: true });
  const cmp = desc ? '<' : '>';
  const dir = desc ? 'DESC' : 'ASC';
  const items: CandidateRow[] = [];
  if (!cursor || cursor.v !== null) {
    const keyset = cursor ? `AND (${col}, c.id) ${cmp} (?, ?)` : '';
    const rows = rowsOf<CandidateRow>(db, `${CANDIDATE_SELECT} WHERE ${w.sql} AND ${col} IS NOT NULL ${keyset} ORDER BY ${col} ${dir}, c.id ${dir} LIMIT ?`).all(
      ...w.params,
      ...(cursor ? [cursor.v, cursor.id] : []),
      limit + 1,
    );
    items.push(...rows);
  }
  if (items.length <= limit) {
    const idAfter = cursor && cursor.v === null ? `AND c.id ${cmp} ?` : '';
    const rows = rowsOf<CandidateRow>(db, `${CANDIDATE_SELECT} WHERE ${w.sql} AND ${col} IS NULL ${idAfter} ORDER BY c.id ${dir} LIMIT ?`).all(
      ...w.params,
      ...(cursor && cursor.v === null ? [cursor.id] : []),
      limit + 1 - items.length,
    );
    items.push(...rows);
  }
  const more = items.length > limit;
  const pageItems = items.slice(0, limit);
  const last = pageItems[pageItems.length - 1];
  return { items: pageItems, next: more && last ? { v: sortValue(last, sort), id: last.id } : null };
}

/** Candidates per curation status under a filter; grouping by status rides the status index. */
export function statusCounts(db: Db, filter: CandidateFilter): Map<string, number> {
  const w = candidateWhere(filter);
  const rows = rowsOf<{ status: string; n: number }>(db, `SELECT c.status, count(*) AS n FROM candidates c WHERE ${w.sql} GROUP BY c.status`).all(...w.params);
  return new Map(rows.map((r) => [r.status, r.n]));
}

/** Undecided candidates whose source-class probability is at least `minProb` (rides the probability index). */
export function undecidedAtLeast(db: Db, filter: CandidateFilter, minProb: number): number {
  const w = candidateWhere(filter);
  return valuesOf<number>(db, `SELECT count(*) FROM candidates c WHERE ${w.sql} AND c.source_class_prob >= ? AND c.status = 'new'`).get(...w.params, minProb) ?? 0;
}
