import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { printResult, progressLine } from '../output';
import { loadDemo } from '../lazy';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description("run the whole SynOOD pipeline on the miniature world with the models the project trained on it (≈ 1–3 min on 2 cores; docs/WORLD.md)")
    .option('--dir <dir>', 'where to write the demo data and project', path.join(os.homedir(), 'synood-demo'))
    .option('--force', 'replace a demo already in --dir (by default a demo there is kept and this one goes to a fresh <dir>-2, -3, …)')
    .option('--factory', "run on 3 procedural classes with the factory's random-weight models in the real export layouts instead (a layout smoke test: its numbers mean nothing)")
    .option('--json', 'machine-readable output')
    .action(async (o: { dir: string; force?: boolean; factory?: boolean; json?: boolean }) => {
      const { runDemo, DEMO_DISCLAIMER: FACTORY_DISCLAIMER, WORLD_DEMO_NOTE } = loadDemo();
      const DEMO_DISCLAIMER = o.factory ? FACTORY_DISCLAIMER : WORLD_DEMO_NOTE;
      const log = o.json ? () => undefined : (line: string) => process.stdout.write(line + '\n');
      const result = await runDemo({ dir: o.dir, log, progress: (stage, done, total) => progressLine(stage.padEnd(22), done, total), ...(o.force ? { force: true } : {}), data: o.factory ? ('factory' as const) : ('world' as const) });
      printResult({ ...result, disclaimer: DEMO_DISCLAIMER }, !!o.json, () =>
        [
          '',
          result.table,
          '',
          `Finished in ${result.seconds.toFixed(0)} s. ${DEMO_DISCLAIMER}`,
          ...(result.note ? [`Note: ${result.note}.`] : []),
          `The project is at ${result.projectDir}: open it in the studio (npm start, then Project → Open) or: npx synood serve -p ${result.projectDir}`,
        ].join('\n'),
      );
    });
}
