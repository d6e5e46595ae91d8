import type { CandidateFilter, CandidateSort } from '../../shared/api/routes/candidates';

/** Sort keys map to indexed columns only (see schema-v1 cand_* indexes). */
export const SORT_COLUMN: Record<CandidateSort, string> = {
  created: 'c.created_at',
  energy: 'c.energy',
  msp: 'c.msp',
  neglabel_score: 'c.neglabel_score',
  source_class_prob: 'c.source_class_prob',
  label_margin: 'c.label_margin',
};

/**
 * WHERE clause and parameters for a gallery filter; shared by listing and bulk decisions so both see the same set.
 * `forSortedPage`: status and objective have a handful of values each, so an index on them selects most of the
 * table and SQLite then sorts it all (≈0.8 s at 100k rows). Written as `+col` they cannot use an index, and a
 * sorted page walks the sort column's index instead, stopping after `limit` matches.
 */
export function candidateWhere(f: CandidateFilter, opts: { forSortedPage?: boolean } = {}): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const eq = (col: string, v: unknown) => {
    parts.push(`${col} = ?`);
    params.push(v);
  };
  if (f.classId !== undefined) eq('c.class_id', f.classId);
  const lowCard = opts.forSortedPage ? '+' : '';
  if (f.status !== undefined) eq(`${lowCard}c.status`, f.status);
  if (f.objective !== undefined) eq(`${lowCard}c.objective`, f.objective);
  if (f.labelId !== undefined) eq('c.label_id', f.labelId);
  const range = (col: string, r?: { min?: number; max?: number }) => {
    if (r?.min !== undefined) {
      parts.push(`${col} >= ?`);
      params.push(r.min);
    }
    if (r?.max !== undefined) {
      parts.push(`${col} <= ?`);
      params.push(r.max);
    }
  };
  range('c.energy', f.energy);
  range('c.msp', f.msp);
  range('c.neglabel_score', f.neglabelScore);
  range('c.source_class_prob', f.sourceClassProb);
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}
