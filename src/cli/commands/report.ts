import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError, EXIT, note, printResult } from '../output';
import { idList, intArg, jsonOption, projectDir, projectOption } from '../options';
import { withStudio } from '../studio-call';

interface ReportOptions {
  runs: number[];
  out: string;
  pdf?: string;
  reference?: number;
  resamples?: number;
  seed?: number;
  markdown?: string;
  latex?: string;
  force?: boolean;
  project?: string;
  json?: boolean;
}

/**
 * `synood report --runs 1,2 -o report.html [--pdf report.pdf]`: the comparison as one self-contained HTML file
 * (tables with 95% intervals and † marks, ROC curves, histograms, training curves, config diff, sample grids,
 * provenance), optionally printed to PDF by Chromium; --markdown/--latex also write the table alone.
 */
export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('an offline HTML report (and PDF) comparing runs: intervals, paired tests, ROC, histograms, training curves, config diff, samples, provenance')
    .requiredOption('--runs <ids>', 'run ids, comma-separated; the first is the reference', idList)
    .requiredOption('-o, --out <path>', 'HTML file to write')
    .option('--pdf <path>', 'also print it to this PDF (needs Chromium)')
    .option('--reference <id>', 'the run the others are tested against (default: the first)', intArg)
    .option('--resamples <n>', 'bootstrap resamples (default 1000)', intArg)
    .option('--seed <n>', 'bootstrap seed (default 0)', intArg)
    .option('--markdown <path>', 'also write the table with intervals as Markdown')
    .option('--latex <path>', 'also write the table with intervals as LaTeX')
    .option('--force', 'replace existing files');
  jsonOption(projectOption(cmd)).action(async (o: ReportOptions) => {
    await withStudio(projectDir(o), async (call) => {
      const stats = { runIds: o.runs, ...(o.reference !== undefined ? { referenceId: o.reference } : {}), ...(o.resamples !== undefined ? { resamples: o.resamples } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) };
      const r = await call('report.write', { ...stats, out: path.resolve(o.out), pdf: o.pdf ? path.resolve(o.pdf) : false, force: !!o.force });
      const tables: Record<string, string> = {};
      for (const [format, file] of [
        ['markdown', o.markdown],
        ['latex', o.latex],
      ] as const) {
        if (!file) continue;
        const target = path.resolve(file);
        if (fs.existsSync(target) && !o.force) throw new CliError(`${target} already exists; choose another name, or pass --force to replace it`, EXIT.conflict);
        const t = await call('compare.table', { ...stats, format });
        fs.writeFileSync(target, t.text);
        tables[format] = target;
      }
      printResult({ ...r, tables }, !!o.json, () =>
        [`wrote ${r.file} (${(r.bytes / 1024).toFixed(0)} KiB, self-contained: opens offline)`, ...(r.pdf ? [`wrote ${r.pdf} (${r.pdfPages} page${r.pdfPages === 1 ? '' : 's'})`] : []), ...Object.values(tables).map((f) => `wrote ${f}`)].join('\n'),
      );
      if (!r.pdf && o.pdf) note('no PDF was written');
    });
  });
}
