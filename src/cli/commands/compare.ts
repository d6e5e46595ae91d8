import type { Command } from 'commander';
import type { ComparedRun } from '../../shared/api/routes/compare';
import { choice, idList, intArg, jsonOption, projectDir, projectOption } from '../options';
import { CliError, EXIT, note, printResult } from '../output';
import { withStudio } from '../studio-call';
import { pct, textTable } from '../table';

type Format = 'table' | 'markdown' | 'latex' | 'json';

interface CompareOptions {
  runs?: number[];
  baseline?: number | true;
  format?: Format;
  project?: string;
  json?: boolean;
}

/** Signed difference in percentage points; for FPR95 lower is better, so a negative delta is an improvement. */
const delta = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? null : `${a - b >= 0 ? '+' : ''}${(100 * (a - b)).toFixed(2)}`);

/** Runs as rows, AUROC↑/FPR95↓ per OOD set and on average, and the average's change against the baseline. */
function compareTable(runs: ComparedRun[], sets: string[], baselineId: number | null): string {
  const base = runs.find((r) => r.run.id === baselineId);
  const head = ['run', ...sets.flatMap((s) => [`${s} AUROC↑`, `${s} FPR95↓`]), 'avg AUROC↑', 'avg FPR95↓', ...(base ? ['ΔAUROC', 'ΔFPR95'] : [])];
  const rows = runs.map((r) => {
    const bySet = new Map(r.evaluations.map((e) => [e.oodName, e]));
    const name = `#${r.run.id} ${r.run.name}${r.run.id === baselineId ? ' (baseline)' : ''}`;
    const cells: (string | null)[] = [name, ...sets.flatMap((s) => [pct(bySet.get(s)?.auroc), pct(bySet.get(s)?.fpr95Mos)]), pct(r.average?.auroc), pct(r.average?.fpr95Mos)];
    if (base) cells.push(r === base ? null : delta(r.average?.auroc, base.average?.auroc), r === base ? null : delta(r.average?.fpr95Mos, base.average?.fpr95Mos));
    return cells;
  });
  return `${textTable(head, rows)}\nValues in %; Δ in points against the baseline's average.`;
}

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description("runs side by side in the paper's layout: AUROC↑ / FPR95↓ per OOD set and on average")
    .option('--runs <ids>', 'run ids, comma-separated', idList)
    .option('--baseline [id]', 'the run to compare against, listed first (without an id: the zero-shot NegLabel baseline)', intArg)
    .option('--format <f>', 'table (the default) | markdown | latex | json', choice(['table', 'markdown', 'latex', 'json'] as const));
  jsonOption(projectOption(cmd)).action(async (o: CompareOptions) => {
    const format: Format = o.json ? 'json' : (o.format ?? 'table');
    if (!o.runs && o.baseline === undefined) throw new CliError('say which runs: --runs <ids> and/or --baseline [id]', EXIT.usage);
    await withStudio(projectDir(o), async (call) => {
      const baselineId = o.baseline === undefined ? null : o.baseline === true ? (await call('run.baseline', {})).id : o.baseline;
      const runIds = [...new Set([...(baselineId === null ? [] : [baselineId]), ...(o.runs ?? [])])];
      if (format === 'markdown' || format === 'latex') {
        // The same table the studio exports (and saves under the project's exports/).
        const r = await call('compare.export', { runIds, format });
        process.stdout.write(r.text);
        note(`saved as ${r.file} in the project`);
        return;
      }
      const cmp = await call('compare.runs', { runIds });
      printResult({ ...cmp, baselineId }, format === 'json', () => compareTable(cmp.runs, cmp.oodSets, baselineId));
    });
  });
}
