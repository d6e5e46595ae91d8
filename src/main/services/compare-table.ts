import type { MetricsSummary } from '../../shared/api/routes/evaluations';

export interface TableRun {
  name: string;
  /** Per OOD set name; a set the run was not evaluated on prints as a dash. */
  sets: Map<string, { auroc: number; fpr95Mos: number }>;
  average: Pick<MetricsSummary, 'auroc' | 'fpr95Mos'> | null;
}

const pct = (v: number | undefined) => (v === undefined ? '–' : (100 * v).toFixed(2));

/** Markdown in the paper's layout: one row per method, AUROC↑ / FPR95↓ per OOD set, then the average. */
export function markdownTable(sets: string[], runs: TableRun[]): string {
  const head = ['Method', ...sets.flatMap((s) => [`${s} AUROC↑`, `${s} FPR95↓`]), 'Average AUROC↑', 'Average FPR95↓'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of runs) {
    const cells = [r.name.replace(/\|/g, '\\|'), ...sets.flatMap((s) => [pct(r.sets.get(s)?.auroc), pct(r.sets.get(s)?.fpr95Mos)]), pct(r.average?.auroc), pct(r.average?.fpr95Mos)];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('', 'FPR95: InD-positive convention (MOS / NegLabel / SynOOD tables), threshold at 95% InD recall. Values in %.');
  return lines.join('\n') + '\n';
}

const TEX_SPECIALS: Record<string, string> = { '\\': '\\textbackslash{}', '&': '\\&', '%': '\\%', $: '\\$', '#': '\\#', _: '\\_', '{': '\\{', '}': '\\}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}' };
export const texEscape = (s: string) => s.replace(/[\\&%$#_{}~^]/g, (c) => TEX_SPECIALS[c]!);

/** What the LaTeX table needs in the document's preamble: \toprule etc. (booktabs), \multirow (multirow). */
export const LATEX_PACKAGES = ['booktabs', 'multirow'] as const;

/**
 * LaTeX (booktabs) in the same layout: a two-level header with AUROC$\uparrow$ / FPR95$\downarrow$ under each set,
 * under a comment that names the packages it needs.
 */
export function latexTable(sets: string[], runs: TableRun[]): string {
  const groups = [...sets, 'Average'];
  const out = [
    `% Needs in the preamble: ${LATEX_PACKAGES.map((p) => `\\usepackage{${p}}`).join(' ')}`,
    '% FPR95: InD-positive convention (MOS / NegLabel / SynOOD tables), threshold at 95% InD recall. Values in %.',
    `\\begin{tabular}{l${'cc'.repeat(groups.length)}}`,
    '\\toprule',
    `\\multirow{2}{*}{Method} & ${groups.map((g) => `\\multicolumn{2}{c}{${texEscape(g)}}`).join(' & ')} \\\\`,
    groups.map((_, i) => `\\cmidrule(lr){${2 + 2 * i}-${3 + 2 * i}}`).join(' '),
    ` & ${groups.map(() => 'AUROC$\\uparrow$ & FPR95$\\downarrow$').join(' & ')} \\\\`,
    '\\midrule',
  ];
  for (const r of runs) {
    const cells = [...sets.flatMap((s) => [pct(r.sets.get(s)?.auroc), pct(r.sets.get(s)?.fpr95Mos)]), pct(r.average?.auroc), pct(r.average?.fpr95Mos)];
    out.push(`${texEscape(r.name)} & ${cells.join(' & ')} \\\\`);
  }
  out.push('\\bottomrule', '\\end{tabular}');
  return out.join('\n') + '\n';
}
