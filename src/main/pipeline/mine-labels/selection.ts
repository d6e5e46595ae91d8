import { cleanWordNetLemma, type Candidate, type PartOfSpeech } from '../../ood';

export interface ScoredCandidate extends Candidate {
  /** quantile_q of the candidate's cosine similarities to the InD classes. */
  score: number;
}

/**
 * The selection step of src/main/ood's selectNegativeLabels, on stored scores instead of features (the job scores
 * candidates batch by batch, so the features are gone by the time all scores exist): per part of speech, drop
 * words equal to an InD class, sort ascending by score (ties in candidate order), keep floor(n · pct).
 * Returns the indices kept.
 */
export function selectByScore(candidates: ScoredCandidate[], pct: number, classNames: string[]): { kept: number[]; counts: Record<PartOfSpeech, { candidates: number; excluded: number; kept: number }> } {
  if (!(pct >= 0 && pct <= 1)) throw new Error(`pct must be in [0, 1], got ${pct}`);
  const excluded = new Set(classNames.map(cleanWordNetLemma));
  const kept: number[] = [];
  const counts = {} as Record<PartOfSpeech, { candidates: number; excluded: number; kept: number }>;
  for (const pos of ['noun', 'adj'] as const) {
    const all = candidates.map((c, index) => ({ c, index })).filter(({ c }) => c.pos === pos);
    const eligible = all.filter(({ c }) => !excluded.has(cleanWordNetLemma(c.word)));
    const keep = Math.floor(eligible.length * pct);
    eligible.sort((a, b) => a.c.score - b.c.score || a.index - b.index);
    kept.push(...eligible.slice(0, keep).map((e) => e.index));
    counts[pos] = { candidates: all.length, excluded: all.length - eligible.length, kept: keep };
  }
  return { kept, counts };
}
