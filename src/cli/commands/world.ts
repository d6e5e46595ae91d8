import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { runJobCommand } from '../job-command';
import { loadWorld } from '../lazy';
import { idList, jsonOption, projectDir, projectOption, waitOption } from '../options';
import { selectedIndTrainIds } from '../../main/store/images';
import { CliError, EXIT, printResult } from '../output';
import { GUIDANCE_OBJECTIVES } from '../../shared/guidance';

function positiveInt(what: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${what} must be a positive integer, got '${v}'`, EXIT.usage);
  return n;
}

export function registerWorld(program: Command): void {
  const world = program.command('world').description('the self-trained miniature world (docs/WORLD.md): procedural images and the tiny models trained on them');

  world
    .command('train')
    .description('train the world models with the project\'s own autodiff (resumable: continues from the work dir\'s checkpoints)')
    .option('--only <models>', 'comma-separated subset of: classifier, clip, unet')
    .option('--out <dir>', 'where the trained weights and their records go', path.join('resources', 'world'))
    .option('--work-dir <dir>', 'checkpoints (one per model, written after every epoch)', path.join(os.tmpdir(), 'synood-world-train'))
    .option('--fresh', 'ignore existing checkpoints and start over')
    .option('--seed <n>', 'training seed (init and shuffles)')
    .option('--epochs <n>', 'epochs (default: each model\'s own)')
    .option('--threads <n>', 'onnxruntime intra-op threads')
    .option('--json', 'machine-readable output')
    .action(async (o: { only?: string; out: string; workDir: string; fresh?: boolean; seed?: string; epochs?: string; threads?: string; json?: boolean }) => {
      const { trainWorld, WORLD_MODELS } = loadWorld();
      const only = o.only?.split(',').map((s) => s.trim());
      const unknown = only?.find((m) => !(WORLD_MODELS as readonly string[]).includes(m));
      if (unknown) throw new CliError(`--only: unknown model '${unknown}' (known: ${WORLD_MODELS.join(', ')})`, EXIT.usage);
      const seed = o.seed === undefined ? undefined : Number(o.seed);
      if (seed !== undefined && !Number.isInteger(seed)) throw new CliError(`--seed must be an integer, got '${o.seed}'`, EXIT.usage);
      const log = o.json ? () => undefined : (line: string) => process.stdout.write(line + '\n');
      const result = await trainWorld({
        outDir: path.resolve(o.out),
        workDir: path.resolve(o.workDir),
        only: only as (typeof WORLD_MODELS)[number][] | undefined,
        fresh: !!o.fresh,
        seed,
        epochs: positiveInt('--epochs', o.epochs),
        threads: positiveInt('--threads', o.threads),
        log,
      });
      printResult(result, !!o.json, () => `world train finished in ${result.seconds.toFixed(1)} s`);
    });

  world
    .command('write <split>')
    .description('render a split (ind-train, ind-test, near-ood-test, far-ood-test, world-train) to PNG files plus manifest.json')
    .requiredOption('--dir <dir>', 'output folder')
    .option('--count <n>', 'only the first n images')
    .action(async (split: string, o: { dir: string; count?: string }) => {
      const { writeSplit, SPLIT_NAMES } = loadWorld();
      if (!(SPLIT_NAMES as readonly string[]).includes(split)) throw new CliError(`unknown split '${split}' (known: ${SPLIT_NAMES.join(', ')})`, EXIT.usage);
      const m = await writeSplit(path.resolve(o.dir), split as (typeof SPLIT_NAMES)[number], { count: positiveInt('--count', o.count) });
      process.stdout.write(`wrote ${m.images.length} images of ${split} to ${path.resolve(o.dir)}\n`);
    });

  world
    .command('sheet <split>')
    .description('a contact sheet (PNG grid, enlarged) of a split\'s first images, for looking at the world')
    .requiredOption('--file <png>', 'output PNG')
    .option('--cols <n>', 'columns', '10')
    .option('--rows <n>', 'rows', '4')
    .action(async (split: string, o: { file: string; cols: string; rows: string }) => {
      const { contactSheet, SPLIT_NAMES } = loadWorld();
      if (!(SPLIT_NAMES as readonly string[]).includes(split)) throw new CliError(`unknown split '${split}' (known: ${SPLIT_NAMES.join(', ')})`, EXIT.usage);
      writeFileSync(path.resolve(o.file), await contactSheet(split as (typeof SPLIT_NAMES)[number], positiveInt('--cols', o.cols)!, positiveInt('--rows', o.rows)!));
      process.stdout.write(`wrote ${path.resolve(o.file)}\n`);
    });

  world
    .command('bench')
    .description('the whole SynOOD loop on the world through the studio\'s routes, per guidance objective: Table 1, ablations, floors, verdict, RESULT line (docs/WORLD.md)')
    .option('--quick', 'small sizes (2 seeds, 20 images per objective, 30 per test set): the CI check')
    .option('--seeds <n>', 'training seeds per variant (default 3)')
    .option('--images <n>', 'synthetic images per objective (default 200)')
    .option('--test-per-set <n>', 'images per test set: ind-test, near-OOD, far-OOD (default 500)')
    .option('--objectives <list>', `comma-separated guidance objectives (default all)`)
    .option('--describer <name>', 'clip-noun (the CLIP-noun describer over the world nouns), oracle (ground truth, labelled as such) or vlm (random-weight stand-in)', 'clip-noun')
    .option('--projection-epochs <n>', "projection fine-tuning epochs (default 3, the paper's)")
    .option('--label-epochs <n>', "label-feature fine-tuning epochs (default 5, the paper's)")
    .option('--dir <dir>', 'work folder (data, project; replaced)', path.join(os.tmpdir(), 'synood-world-bench'))
    .option('--out <dir>', 'also write world-bench.md (the tables) and world-bench.json (every figure) here')
    .action(async (o: { quick?: boolean; seeds?: string; images?: string; testPerSet?: string; objectives?: string; describer: string; projectionEpochs?: string; labelEpochs?: string; dir: string; out?: string }) => {
      const { runWorldBench, writeBenchOutputs, WORLD_DESCRIBERS } = loadWorld();
      if (!(WORLD_DESCRIBERS as readonly string[]).includes(o.describer)) throw new CliError(`--describer: unknown '${o.describer}' (known: ${WORLD_DESCRIBERS.join(', ')})`, EXIT.usage);
      const objectives = o.objectives?.split(',').map((s) => s.trim());
      const unknown = objectives?.find((x) => !(GUIDANCE_OBJECTIVES as readonly string[]).includes(x));
      if (unknown) throw new CliError(`--objectives: unknown '${unknown}' (known: ${GUIDANCE_OBJECTIVES.join(', ')})`, EXIT.usage);
      const result = await runWorldBench({
        dir: o.dir,
        quick: !!o.quick,
        seeds: positiveInt('--seeds', o.seeds),
        images: positiveInt('--images', o.images),
        testPerSet: positiveInt('--test-per-set', o.testPerSet),
        objectives: objectives as (typeof GUIDANCE_OBJECTIVES)[number][] | undefined,
        describer: o.describer as (typeof WORLD_DESCRIBERS)[number],
        projectionEpochs: positiveInt('--projection-epochs', o.projectionEpochs),
        labelEpochs: positiveInt('--label-epochs', o.labelEpochs),
        log: (line) => process.stdout.write(line + '\n'),
      });
      if (o.out) {
        const files = writeBenchOutputs(path.resolve(o.out), result);
        process.stdout.write(`wrote ${files.markdown} and ${files.json}\n`);
      }
      // The RESULT line is the last line printed.
      process.stdout.write('\n' + result.text + '\n');
    });

  world
    .command('clip-folder')
    .description('write the trained tiny CLIP as a pipeline CLIP folder (transformers.js/Optimum layout), to import with: synood models import clip <dir>')
    .requiredOption('--dir <dir>', 'output folder')
    .option('--from <dir>', 'where the trained towers are', path.join('resources', 'world'))
    .action((o: { dir: string; from: string }) => {
      const { writeWorldClipFolder, committedWorldClipFiles } = loadWorld();
      writeWorldClipFolder(path.resolve(o.dir), committedWorldClipFiles(path.resolve(o.from)));
      process.stdout.write(`wrote the tiny CLIP as a pipeline CLIP folder to ${path.resolve(o.dir)}\n`);
    });

  waitOption(
    jsonOption(
      projectOption(
        world
          .command('describe <describer>')
          .description("describe a world project's images: 'clip-noun' (the project's CLIP over the world's nouns) or 'oracle' (the ground truth from the split manifests, labelled as such)")
          .option('--manifest <dir...>', "folders written by 'synood world write' (oracle: images are matched by file name)")
          .option('--images <ids>', 'these image ids, comma-separated (default: the selected subset)', idList)
          .option('--top-k <k>', 'nouns per image (clip-noun)'),
      ),
    ),
  ).action(async (describer: string, o: { manifest?: string[]; images?: number[]; topK?: string; project?: string; json?: boolean; wait: boolean }) => {
    if (describer !== 'clip-noun' && describer !== 'oracle') throw new CliError(`unknown describer '${describer}' (known: clip-noun, oracle)`, EXIT.usage);
    if (describer === 'oracle' && !o.manifest?.length) throw new CliError('oracle: give --manifest <dir> for each world split the project imported', EXIT.usage);
    const { describeWorldImages, readSplitManifest, ORACLE_SOURCE } = loadWorld();
    const label = describer === 'oracle' ? `the ${ORACLE_SOURCE} describer` : 'the CLIP-noun describer over the world nouns';
    let count = 0;
    await runJobCommand({
      project: projectDir(o),
      json: !!o.json,
      wait: o.wait,
      label: `world describe ${describer}`,
      start: async (call, studio) => {
        const imageIds = o.images ?? selectedIndTrainIds(studio.project!.db);
        if (imageIds.length === 0) throw new CliError('no images to describe: the subset is empty (run synood select first) and no --images were given', EXIT.badInput);
        count = imageIds.length;
        const manifests = (o.manifest ?? []).map((d) => readSplitManifest(path.resolve(d)));
        return { jobId: await describeWorldImages(call, { describer, imageIds, manifests, topK: positiveInt('--top-k', o.topK) }) };
      },
      result: async (_call, _s, job) => ({ images: count, described: job.progress.done, failed: job.progress.failed, describer: label }),
      human: (r) => `described ${r.described} of ${r.images} images with ${r.describer}${r.failed ? ` (${r.failed} failed)` : ''}`,
    });
  });
}
