import type { CompareStats, PairedTest, StatsCell } from '../../shared/api/routes/review';
import type { EvaluationRow } from '../../shared/api/routes/evaluations';

/**
 * The paper's table with uncertainty: per OOD set and on average, AUROC↑ and FPR95↓ (InD-positive, MOS convention)
 * with their 95% bootstrap interval, a † where the difference to the reference run has p < α, and one mean ± std
 * row per seed group. One neutral layout (TableModel) is rendered to Markdown, LaTeX and HTML alike.
 */
export interface TableCell {
  value: number | null;
  lo: number | null;
  hi: number | null;
  /** Seed groups: the standard deviation over seeds. */
  std: number | null;
  /** p-value against the reference; null when not tested. */
  p: number | null;
  method: PairedTest['method'] | null;
  significant: boolean;
}

export interface TableRow {
  kind: 'run' | 'group';
  label: string;
  runId: number | null;
  reference: boolean;
  foreign: string | null;
  cells: TableCell[];
}

export interface TableModel {
  sets: string[];
  /** Column group headers: the sets, then 'Average'. */
  groups: string[];
  rows: TableRow[];
  footnote: string;
}

const empty: TableCell = { value: null, lo: null, hi: null, std: null, p: null, method: null, significant: false };

export interface TableRunInput {
  runId: number;
  name: string;
  evaluations: Pick<EvaluationRow, 'oodName' | 'auroc' | 'fpr95Mos'>[];
  average: { auroc: number; fpr95Mos: number } | null;
}

export function tableModel(stats: CompareStats, runs: TableRunInput[]): TableModel {
  const sets = stats.oodSets;
  const refName = runs.find((r) => r.runId === stats.referenceId)?.name ?? `run ${stats.referenceId}`;
  const cell = (value: number | undefined, st: StatsCell | null | undefined, metric: 'auroc' | 'fpr95'): TableCell => {
    if (value === undefined) return empty;
    const iv = st?.[metric] ?? null;
    const test = st?.vsReference?.[metric] ?? null;
    return { value, lo: iv?.lo ?? null, hi: iv?.hi ?? null, std: null, p: test?.p ?? null, method: test?.method ?? null, significant: test !== null && test.p < stats.alpha };
  };
  const rows: TableRow[] = runs.map((r) => {
    const s = stats.runs.find((x) => x.runId === r.runId);
    const at = (set: string) => r.evaluations.find((e) => e.oodName === set);
    const stAt = (set: string) => s?.sets.find((x) => x.oodName === set);
    return {
      kind: 'run',
      label: r.name,
      runId: r.runId,
      reference: r.runId === stats.referenceId,
      foreign: s?.origin ? s.origin.projectName : null,
      cells: [
        ...sets.flatMap((set) => [cell(at(set)?.auroc, stAt(set), 'auroc'), cell(at(set)?.fpr95Mos, stAt(set), 'fpr95')]),
        cell(r.average?.auroc, s?.average, 'auroc'),
        cell(r.average?.fpr95Mos, s?.average, 'fpr95'),
      ],
    };
  });
  for (const g of stats.seedGroups) {
    const ms = (v: { mean: number; std: number } | undefined): TableCell => (v ? { ...empty, value: v.mean, std: v.std } : empty);
    const at = (set: string) => g.sets.find((x) => x.oodName === set);
    rows.push({
      kind: 'group',
      label: `${g.name} (${g.runIds.length} seeds)`,
      runId: null,
      reference: false,
      foreign: null,
      cells: [...sets.flatMap((set) => [ms(at(set)?.auroc), ms(at(set)?.fpr95)]), ms(g.average?.auroc), ms(g.average?.fpr95)],
    });
  }
  const footnote =
    `Values in %. [lo, hi]: ${Math.round(stats.level * 100)}% stratified bootstrap percentile interval (${stats.resamples} resamples, seed ${stats.seed}). ` +
    `†: p < ${stats.alpha} against ${refName} on the same samples (AUROC: DeLong's paired test; FPR95 and the average: paired bootstrap). ` +
    'mean ± std: over the runs of a seed group (same kind, config and training data). FPR95: InD-positive convention (MOS / NegLabel / SynOOD), threshold at 95% InD recall.';
  return { sets, groups: [...sets, 'Average'], rows, footnote };
}

const pct = (v: number) => (100 * v).toFixed(2);

export function cellText(c: TableCell, style: 'markdown' | 'latex' | 'plain' = 'plain'): string {
  if (c.value === null) return '–';
  const dagger = c.significant ? (style === 'latex' ? '$^\\dagger$' : '†') : '';
  if (c.std !== null) return style === 'latex' ? `${pct(c.value)}$\\pm$${pct(c.std)}` : `${pct(c.value)} ± ${pct(c.std)}`;
  const iv = c.lo !== null && c.hi !== null ? (style === 'latex' ? `\\,{\\scriptsize[${pct(c.lo)}, ${pct(c.hi)}]}` : ` [${pct(c.lo)}, ${pct(c.hi)}]`) : '';
  return `${pct(c.value)}${iv}${dagger}`;
}

export function rowLabel(r: TableRow): string {
  return `${r.label}${r.reference ? ' (reference)' : ''}${r.foreign ? ` (foreign: ${r.foreign})` : ''}`;
}

export function markdownStatsTable(t: TableModel): string {
  const head = ['Method', ...t.sets.flatMap((s) => [`${s} AUROC↑`, `${s} FPR95↓`]), 'Average AUROC↑', 'Average FPR95↓'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const r of t.rows) lines.push(`| ${[rowLabel(r).replace(/\|/g, '\\|'), ...r.cells.map((c) => cellText(c, 'markdown'))].join(' | ')} |`);
  lines.push('', t.footnote);
  return lines.join('\n') + '\n';
}

const TEX_SPECIALS: Record<string, string> = { '\\': '\\textbackslash{}', '&': '\\&', '%': '\\%', $: '\\$', '#': '\\#', _: '\\_', '{': '\\{', '}': '\\}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}' };
const tex = (s: string) => s.replace(/[\\&%$#_{}~^]/g, (c) => TEX_SPECIALS[c]!);

export function latexStatsTable(t: TableModel): string {
  const out = [
    '% Needs in the preamble: \\usepackage{booktabs} \\usepackage{multirow}',
    `\\begin{tabular}{l${'cc'.repeat(t.groups.length)}}`,
    '\\toprule',
    `\\multirow{2}{*}{Method} & ${t.groups.map((g) => `\\multicolumn{2}{c}{${tex(g)}}`).join(' & ')} \\\\`,
    t.groups.map((_, i) => `\\cmidrule(lr){${2 + 2 * i}-${3 + 2 * i}}`).join(' '),
    ` & ${t.groups.map(() => 'AUROC$\\uparrow$ & FPR95$\\downarrow$').join(' & ')} \\\\`,
    '\\midrule',
  ];
  let groupRule = false;
  for (const r of t.rows) {
    if (r.kind === 'group' && !groupRule) {
      out.push('\\midrule');
      groupRule = true;
    }
    out.push(`${tex(rowLabel(r))} & ${r.cells.map((c) => cellText(c, 'latex')).join(' & ')} \\\\`);
  }
  out.push('\\bottomrule', '\\end{tabular}', `% ${t.footnote.replace(/%/g, '\\%')}`);
  return out.join('\n') + '\n';
}
