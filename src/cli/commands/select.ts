import type { Command } from 'commander';
import { intArg, jsonOption, projectDir, projectOption } from '../options';
import { printResult } from '../output';
import { withStudio } from '../studio-call';

export function registerSelect(program: Command): void {
  jsonOption(
    projectOption(
      program
        .command('select')
        .description('mark the InD subset: per class, the top k training images by file bytes per pixel (SYNOOD §1)')
        .option('-k, --k <n>', 'images per class (default 50, the paper\'s)', intArg)
        .option('--dataset <id>', 'only this InD-train dataset (default: all of them)', intArg),
    ),
  ).action(async (o: { k?: number; dataset?: number; project?: string; json?: boolean }) => {
    await withStudio(projectDir(o), async (call) => {
      const s = await call('subset.select', { ...(o.k !== undefined ? { k: o.k } : {}), ...(o.dataset !== undefined ? { datasetId: o.dataset } : {}) });
      const unclassed = s.unclassed ? `; ${s.unclassed} images without a class were left out` : '';
      printResult(s, !!o.json, () => `selected ${s.selected} images in ${s.classes} classes of ${s.datasets} dataset${s.datasets === 1 ? '' : 's'}${unclassed}`);
    });
  });
}
