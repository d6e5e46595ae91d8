import path from 'node:path';
import type { Command } from 'commander';
import { jsonOption } from '../options';
import { printResult } from '../output';
import { withStudio } from '../studio-call';

export function registerInit(program: Command): void {
  jsonOption(
    program
      .command('init')
      .description('create a project folder')
      .argument('<dir>', 'project folder')
      .option('-n, --name <name>', 'project name (default: folder name)'),
  ).action(async (dir: string, o: { name?: string; json?: boolean }) => {
    await withStudio(undefined, async (call) => {
      const p = await call('project.create', { dir: path.resolve(dir), name: o.name ?? path.basename(path.resolve(dir)) });
      printResult(p, !!o.json, () => `created project '${p.name}' in ${p.dir}`);
    });
  });
}
