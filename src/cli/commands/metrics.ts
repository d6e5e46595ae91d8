import path from 'node:path';
import type { Command } from 'commander';
import { formatMetrics, metricsFromFiles } from '../../main/ood/metrics-cli';

export function registerMetrics(program: Command): void {
  program
    .command('metrics')
    .description('AUROC, FPR95 (MOS/NegLabel and OpenOOD v1.5 conventions) and AUPR from score files (one score per line, higher = more InD)')
    .requiredOption('--id <file>', 'in-distribution scores')
    .requiredOption('--ood <files...>', 'OOD scores (one or more files: each is an OOD set, averaged)')
    .option('--json', 'machine-readable output')
    .action((o: { id: string; ood: string[]; json?: boolean }) => {
      const report = metricsFromFiles(path.resolve(o.id), o.ood.map((f) => path.resolve(f)));
      process.stdout.write(formatMetrics(report, !!o.json) + '\n');
    });
}
