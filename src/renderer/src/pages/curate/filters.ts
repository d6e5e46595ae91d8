import type { CandidateFilter, CandidateSort } from '../../../../shared/api';
import { SUGGEST_REJECT_PROB } from '../../../../shared/api';

export type RangeKey = 'energy' | 'msp' | 'neglabelScore' | 'sourceClassProb';

export interface GalleryQuery {
  filter: CandidateFilter;
  sort: CandidateSort;
  desc: boolean;
}

export const DEFAULT_QUERY: GalleryQuery = { filter: { status: 'new' }, sort: 'created', desc: true };

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
