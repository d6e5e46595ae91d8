import path from 'node:path';
import type { Command } from 'commander';
import { intArg, jsonOption, projectDir, projectOption } from '../options';
import { printResult } from '../output';
import { withStudio } from '../studio-call';

/**
 * `synood export run --run ID -o FILE`: one run as a single-file bundle (src/main/review/bundle-format.ts) that
 * `synood import run` brings into any other project. Registered under the existing `export` command.
 */
export function registerExportRun(program: Command): void {
  const exp = program.commands.find((c) => c.name() === 'export');
  if (!exp) throw new Error('registerExportRun: register the export command first');
  const cmd = exp
    .command('run')
    .description("a run as one bundle file: its config and switches, per-sample scores, curves, training-data provenance and sample thumbnails (import it elsewhere with `synood import run`)")
    .requiredOption('--run <id>', 'run id', intArg)
    .requiredOption('-o, --out <path>', 'bundle file to write (.synood-run)')
    .option('--force', 'replace an existing file');
  jsonOption(projectOption(cmd)).action(async (o: { run: number; out: string; force?: boolean; project?: string; json?: boolean }) => {
    await withStudio(projectDir(o), async (call) => {
      const r = await call('bundle.export', { runId: o.run, out: path.resolve(o.out), force: !!o.force });
      printResult(r, !!o.json, () => `wrote ${r.file} (${(r.bytes / 1024).toFixed(0)} KiB, ${r.sections} sections, sha256 ${r.sha256})`);
    });
  });
}
