/** Metrics are stored as fractions; the papers print percentages with two decimals. */
export const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : (100 * v).toFixed(2));

export const num = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? '–' : v.toFixed(digits));

export function when(ms: number | null | undefined): string {
  return ms ? new Date(ms).toLocaleString() : '–';
}

/** Signed difference in percentage points, e.g. "+2.80". */
export const delta = (v: number, base: number) => `${v - base >= 0 ? '+' : ''}${(100 * (v - base)).toFixed(2)}`;
