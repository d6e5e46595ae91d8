import type { Command } from 'commander';
import type { Studio } from '../../main/root';
import { runJobCommand } from '../job-command';
import { idList, jsonOption, projectDir, projectOption, waitOption } from '../options';
import { CliError, EXIT } from '../output';
import { selectedIndTrainIds } from '../../main/store/images';

/** The images the subset selection marked: what generation uses by default, so what needs prompts. */
function subsetImageIds(studio: Studio): number[] {
  // No route lists the selection by id (the studio shows it per dataset), so read it from the open project.
  return selectedIndTrainIds(studio.project!.db);
}

export function registerDescribe(program: Command): void {
  waitOption(
    jsonOption(
      projectOption(
        program
          .command('describe')
          .description('describe images with the VLM into diffusion prompts (a describe.images job, one item per image)')
          .option('--images <ids>', 'these image ids, comma-separated (default: the selected subset)', idList),
      ),
    ),
  ).action(async (o: { images?: number[]; project?: string; json?: boolean; wait: boolean }) => {
    let count = 0;
    await runJobCommand({
      project: projectDir(o),
      json: !!o.json,
      wait: o.wait,
      label: 'describe',
      start: async (call, studio) => {
        const imageIds = o.images ?? subsetImageIds(studio);
        if (imageIds.length === 0) throw new CliError('no images to describe: the subset is empty (run synood select first) and no --images were given', EXIT.badInput);
        count = imageIds.length;
        return await call('prompt.describe', { imageIds });
      },
      result: async (_call, _s, job) => ({ images: count, described: job.progress.done, failed: job.progress.failed }),
      human: (r) => `described ${r.described} of ${r.images} images${r.failed ? ` (${r.failed} failed)` : ''}`,
    });
  });
}
