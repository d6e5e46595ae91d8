import type { Command } from 'commander';
import type { Studio } from '../../main/root';
import { runJobCommand } from '../job-command';
import { readFileSync } from 'node:fs';
import { idList, intArg, jsonOption, projectDir, projectOption, waitOption } from '../options';
import { CliError, EXIT } from '../output';
import { selectedIndTrainIds } from '../../main/store/images';

/** A noun-list file: one noun per line; blank lines and lines starting with # are skipped. */
function readNounList(file: string): string[] {
  const nouns = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  if (nouns.length === 0) throw new CliError(`${file}: no nouns (one per line)`, EXIT.badInput);
  return nouns;
}

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
          .description('describe images with the VLM (or the CLIP-noun describer) into diffusion prompts (a describe.images job, one item per image)')
          .option('--images <ids>', 'these image ids, comma-separated (default: the selected subset)', idList)
          .option('--nouns <file>', "run the CLIP-noun describer over this noun list (one per line) instead of the VLM / WordNet's nouns")
          .option('--top-k <k>', 'nouns per image for the CLIP-noun describer (default 4)', intArg),
      ),
    ),
  ).action(async (o: { images?: number[]; nouns?: string; topK?: number; project?: string; json?: boolean; wait: boolean }) => {
    let count = 0;
    const nouns = o.nouns ? readNounList(o.nouns) : undefined;
    const by = nouns ? `CLIP nouns from ${o.nouns} (${nouns.length} words)` : 'the VLM, or CLIP nouns over WordNet without one';
    await runJobCommand({
      project: projectDir(o),
      json: !!o.json,
      wait: o.wait,
      label: 'describe',
      start: async (call, studio) => {
        const imageIds = o.images ?? subsetImageIds(studio);
        if (imageIds.length === 0) throw new CliError('no images to describe: the subset is empty (run synood select first) and no --images were given', EXIT.badInput);
        count = imageIds.length;
        return await call('prompt.describe', { imageIds, ...(nouns ? { nouns } : {}), ...(o.topK ? { topK: o.topK } : {}) });
      },
      result: async (_call, _s, job) => ({ images: count, described: job.progress.done, failed: job.progress.failed, describer: by }),
      human: (r) => `described ${r.described} of ${r.images} images with ${r.describer}${r.failed ? ` (${r.failed} failed)` : ''}`,
    });
  });
}
