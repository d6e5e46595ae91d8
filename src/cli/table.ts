/** Plain aligned columns for a terminal: text left, numbers right. */
export function textTable(head: string[], rows: (string | number | null)[][]): string {
  const cells = rows.map((r) => r.map((c) => (c === null ? '–' : String(c))));
  const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => r[i] === null || typeof r[i] === 'number' || /^[-+]?\d/.test(String(r[i]))));
  const width = head.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (numeric[i] ? c.padStart(width[i]!) : c.padEnd(width[i]!))).join('  ').trimEnd();
  return [line(head), line(width.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** A fraction as a percentage with two decimals, as the papers print AUROC and FPR95. */
export const pct = (v: number | null | undefined): string | null => (v === null || v === undefined ? null : (100 * v).toFixed(2));
