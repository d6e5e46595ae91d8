import { loadWordNetCandidates, type Candidate } from '../../ood';

export interface CandidateWordOptions {
  lemmas?: 'first' | 'all';
  /** Keep this many candidates, evenly spread over the full list (so both parts of speech stay represented). */
  limit?: number;
}

/**
 * The mining candidates in a fixed order (WordNet nouns, then adjectives, in dictionary-file order). The order is
 * the job's item layout, so it must come out the same in the API process and in every job-process restart.
 */
export function miningCandidates(opts: CandidateWordOptions = {}): Candidate[] {
  const wn = loadWordNetCandidates({ lemmas: opts.lemmas ?? 'first' });
  const all: Candidate[] = [...wn.nouns.map((word) => ({ word, pos: 'noun' as const })), ...wn.adjectives.map((word) => ({ word, pos: 'adj' as const }))];
  const limit = opts.limit;
  if (limit === undefined || limit >= all.length) return all;
  return Array.from({ length: limit }, (_, i) => all[Math.floor((i * all.length) / limit)]!);
}

/**
 * How many candidates miningCandidates(opts) gives, without building the list again: the WordNet files are
 * package data that never change, and reading them takes about a second, which the API process should not
 * spend on every request. `totals` (per lemma mode) is the caller's: the Studio's mine-labels service keeps one.
 */
export function miningCandidateCount(opts: CandidateWordOptions = {}, totals = new Map<string, number>()): number {
  const lemmas = opts.lemmas ?? 'first';
  let total = totals.get(lemmas);
  if (total === undefined) {
    total = miningCandidates({ lemmas }).length;
    totals.set(lemmas, total);
  }
  return opts.limit === undefined ? total : Math.min(opts.limit, total);
}
