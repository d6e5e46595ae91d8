import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadMetricsCli } from '../lazy';
import { CliError, EXIT } from '../output';

export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description('AUROC, FPR95 (MOS/NegLabel and OpenOOD v1.5 conventions) and AUPR from score files (one score per line, higher = more InD)')
    .requiredOption('--id <file>', 'in-distribution scores')
    .requiredOption('--ood <files...>', 'OOD scores (one or more files: each is an OOD set, averaged)')
    .option('--json', 'machine-readable output')
    .action((o: { id: string; ood: string[]; json?: boolean }) => {
      const files = [o.id, ...o.ood].map((f) => path.resolve(f));
      const missing = files.find((f) => !fs.existsSync(f));
      if (missing) throw new CliError(`${missing} does not exist`, EXIT.notFound);
      const { formatMetrics, metricsFromFiles } = loadMetricsCli();
      let report;
      try {
        report = metricsFromFiles(files[0]!, files.slice(1));
      } catch (err) {
        // The reader names the file and line of a value that is not a number.
        throw new CliError((err as Error).message, EXIT.badInput);
      }
      process.stdout.write(formatMetrics(report, !!o.json) + '\n');
    });
}
