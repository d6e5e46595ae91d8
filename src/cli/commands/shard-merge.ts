import path from 'node:path';
import type { Command } from 'commander';
import type { MergeResult } from '../../main/shard/merge';
import { loadShard } from '../lazy';
import { openProject } from '../../main/project/project';
import { CliError, EXIT, printResult } from '../output';

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('fold finished shard bundles into their project (idempotent: a bundle merged before is a no-op)')
    .argument('<project>', 'project folder the shards were cut from')
    .argument('<bundles...>', 'shard bundle folders')
    .option('--json', 'machine-readable output')
    .action((projectDir: string, bundles: string[], o: { json?: boolean }) => {
      const project = openProject(path.resolve(projectDir));
      const results: MergeResult[] = [];
      const errors: { bundleDir: string; error: string }[] = [];
      try {
        // Bundle by bundle, each in its own transaction: one bad bundle does not hold the others back.
        for (const b of bundles) {
          try {
            results.push(loadShard().mergeBundle(project, path.resolve(b)));
          } catch (e) {
            errors.push({ bundleDir: path.resolve(b), error: (e as Error).message });
          }
        }
      } finally {
        project.db.close();
      }
      printResult({ results, errors }, !!o.json, () => [...results.map((r) => r.message), ...errors.map((e) => `not merged: ${e.error}`)].join('\n'));
      if (errors.length) throw new CliError(`${errors.length} of ${bundles.length} bundles were not merged`, EXIT.failure);
    });
}
