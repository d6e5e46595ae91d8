/**
 * Runs that differ only in their seed are summarised as mean ± std over the seeds (docs/METHOD.md §9): the sample
 * standard deviation (ddof 1), 0 for a single run.
 */
export interface MeanStd {
  mean: number;
  std: number;
  n: number;
}

export function meanStd(values: readonly number[]): MeanStd {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n: 0 };
  const mean = values.reduce((a, v) => a + v, 0) / n;
  if (n === 1) return { mean, std: 0, n };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)), n };
}

/**
 * A run's name without a trailing seed marker: "ours-s2", "ours seed=2", "ours (seed 2)", "ours_seed2" → "ours".
 * Used only to label a seed group; runs are grouped by their configuration (see src/main/review/seed-groups.ts).
 */
export function nameWithoutSeed(name: string): string {
  const stripped = name.replace(/[\s_-]*(\(\s*seed[\s=:_-]*\d+\s*\)|seed[\s=:_-]*\d+|s\d+)\s*$/i, '').trim();
  return stripped || name;
}
