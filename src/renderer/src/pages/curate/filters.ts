import type { CandidateFilter, CandidateSort } from '../../../../shared/api';
import { SUGGEST_REJECT_PROB } from '../../../../shared/api';

export type RangeKey = 'energy' | 'msp' | 'neglabelScore' | 'sourceClassProb';

export interface GalleryQuery {
  filter: CandidateFilter;
  sort: CandidateSort;
  desc: boolean;
}

export const DEFAULT_QUERY: GalleryQuery = { filter: { status: 'new' }, sort: 'created', desc: true };

/**
 * The gallery's first view, once the project's status counts are known: the new (undecided) candidates when there
 * are any, otherwise every candidate, so a project another tool has already curated (the demo's auto-curation,
 * `synood accept`) opens on its candidates rather than on an empty filter. A query the user changed is kept.
 */
export function firstViewQuery(q: GalleryQuery, counts: { new: number; accepted: number; rejected: number }): GalleryQuery {
  if (q.filter.status !== 'new' || counts.new > 0 || counts.accepted + counts.rejected === 0) return q;
  const { status: _status, ...rest } = q.filter;
  return { ...q, filter: rest };
}

export const SORTS: { value: CandidateSort; label: string }[] = [
  { value: 'created', label: 'Newest' },
  { value: 'energy', label: 'Energy score' },
  { value: 'msp', label: 'MSP' },
  { value: 'neglabel_score', label: 'NegLabel score' },
  { value: 'source_class_prob', label: 'Source-class probability' },
  { value: 'label_margin', label: 'Label margin' },
];

export const RANGES: { key: RangeKey; label: string }[] = [
  { key: 'energy', label: 'Energy' },
  { key: 'msp', label: 'MSP' },
  { key: 'neglabelScore', label: 'NegLabel score' },
  { key: 'sourceClassProb', label: 'Source-class prob.' },
];

/** Suggested rejects: still likely the source class, so not a useful OOD sample; worst first. */
export const SUGGESTED_REJECTS: GalleryQuery = { filter: { status: 'new', sourceClassProb: { min: SUGGEST_REJECT_PROB } }, sort: 'source_class_prob', desc: true };

export function isSuggestedView(q: GalleryQuery): boolean {
  return q.filter.sourceClassProb?.min === SUGGEST_REJECT_PROB && q.sort === 'source_class_prob';
}
