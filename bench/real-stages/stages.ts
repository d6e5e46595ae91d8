/**
 * What one bench/real-stages child does with one layout: import it into a fresh project through the app's import
 * code (importModel + the models row, as the Models page's import without copying), then run one item of its stage:
 *  - CLIP: one item of the describe job (its real handler: the CLIP-noun describer, registered CLIP) and one item of
 *    the mine-labels job (its real handler: one batch of MINE_BATCH_WORDS candidate words);
 *  - SD-2 inpainting: one candidate through generateCandidate, the generate job's per-item call (the job around it
 *    also scores the source class with CLIP and writes files, left out here), ResNet-50 as its guidance classifier;
 *  - ResNet-50 (classifier role): one guidance step (SD VAE decoder → ResNet-50 → official loss, forward + VJP to
 *    the decoder input) through the GuidanceRunner the generate stage uses.
 * Each child prints one JSON line; its peak RSS is its own VmHWM (bench/real-shape-parts.ts).
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describeImagesJob } from '../../src/shared/jobs/describe-images';
import { labelsMineJob, MINE_BATCH_WORDS } from '../../src/shared/jobs/labels-mine';
import type { JobContext } from '../../src/main/jobs/handler';
import { importModel } from '../../src/main/models';
import type { ModelRole } from '../../src/main/models/contract-types';
import { createProject, type OpenProject } from '../../src/main/project/project';
import { insertClass } from '../../src/main/store/classes';
import { insertDataset } from '../../src/main/store/datasets';
import { insertImage } from '../../src/main/store/images';
import { insertModel } from '../../src/main/store/models';
import { describeHandler } from '../../src/main/pipeline/describe/job';
import { WordNetNouns } from '../../src/main/pipeline/describe';
import { mineLabelsHandler } from '../../src/main/pipeline/mine-labels/job';
import { generateCandidate, loadGuidanceClassifier, loadInpaintModels, releaseGuidance } from '../../src/main/pipeline/generate';
import { Rng } from '../../src/main/onnx/factory';
import { officialGuidanceRunner, peakRssOfThisProcessMb } from '../real-shape-parts';

export interface StageResult {
  importMs: number;
  /** The stage item(s), model loading included: what a job's first item costs. */
  stageMs: number;
  peakRssMb: number;
  /** Per-part times and what ran, for the log. */
  parts: Record<string, number | string>;
}

const CLASS_NAME = 'giant panda';

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await fn();
  return [value, performance.now() - t0];
}

/** A fresh project with one InD-train class and one 512×512 image of it (the describe item's input). */
async function benchProject(dir: string): Promise<{ project: OpenProject; imageId: number; imagePath: string }> {
  const project = createProject(dir, 'real-stages bench');
  const datasetId = insertDataset(project.db, { name: 'ind', kind: 'ind-train', sourcePath: dir, sourceJson: '{}', createdAt: Date.now() });
  const classId = insertClass(project.db, datasetId, CLASS_NAME, 0);
  const rel = `datasets/ind/${CLASS_NAME}/0000.png`;
  const imagePath = join(project.paths.root, ...rel.split('/'));
  mkdirSync(join(imagePath, '..'), { recursive: true });
  const px = Buffer.from(new Rng(3).normalArray(512 * 512 * 3, 1).map((v) => Math.max(0, Math.min(255, 128 + 50 * v))));
  await sharp(px, { raw: { width: 512, height: 512, channels: 3 } }).png().toFile(imagePath);
  const imageId = insertImage(project.db, { datasetId, classId, path: rel, width: 512, height: 512, bytes: statSync(imagePath).size, sha256: null, skipReason: null, thumbPath: null });
  return { project, imageId, imagePath };
}

/** Validates, hashes and registers the model as the app's import does (in place: no copy into the project). */
async function importInto(project: OpenProject, role: ModelRole, source: string): Promise<{ path: string; ms: number }> {
  const [{ record }, ms] = await timed(() => importModel({ role, source, provider: 'cpu' }));
  insertModel(project.db, record);
  return { path: record.path, ms };
}

const jobContext = (project: OpenProject): JobContext => ({ project, jobId: 1, signal: new AbortController().signal });

/** One describe item and one mine-labels item on a CLIP folder. `nouns`: the describer's vocabulary cut to WordNet's first N nouns (0 = all). */
export async function clipStage(folder: string, work: string, nouns: number): Promise<StageResult> {
  const { project, imageId } = await benchProject(join(work, 'project'));
  try {
    const imported = await importInto(project, 'clip', folder);
    const ctx = jobContext(project);
    const vocabulary = nouns > 0 ? WordNetNouns.load().lemmas().slice(0, nouns) : undefined;
    const describeParams = describeImagesJob.params.parse(vocabulary ? { nouns: vocabulary } : {});
    const [, describeMs] = await timed(async () => {
      await describeHandler.prepare!(ctx, describeParams);
      try {
        const commit = await describeHandler.runItem(ctx, describeParams, { seq: 0, key: 'describe', payload: { imageId } });
        commit(project.db);
      } finally {
        await describeHandler.dispose?.();
      }
    });
    const prompt = project.db.prepare('SELECT elements_json FROM prompt_versions WHERE image_id = ?').get(imageId) as { elements_json: string } | undefined;
    if (!prompt) throw new Error('the describe item wrote no prompt version');

    const mineParams = labelsMineJob.params.parse({});
    const [, mineMs] = await timed(async () => {
      await mineLabelsHandler.prepare!(ctx, mineParams);
      try {
        const commit = await mineLabelsHandler.runItem(ctx, mineParams, { seq: 0, key: 'score', payload: { start: 0, end: MINE_BATCH_WORDS } });
        commit(project.db);
      } finally {
        await mineLabelsHandler.dispose?.();
      }
    });
    const scored = (project.db.prepare('SELECT COUNT(*) AS n FROM neg_labels WHERE mining_score IS NOT NULL').get() as { n: number }).n;
    if (scored !== MINE_BATCH_WORDS) throw new Error(`the mine item scored ${scored} words, expected ${MINE_BATCH_WORDS}`);
    return {
      importMs: imported.ms,
      stageMs: describeMs + mineMs,
      peakRssMb: peakRssOfThisProcessMb(),
      parts: { describe_ms: Math.round(describeMs), mine_ms: Math.round(mineMs), nouns: vocabulary?.length ?? WordNetNouns.load().lemmas().length, elements: prompt.elements_json, mined_words: scored },
    };
  } finally {
    project.db.close();
  }
}

/** One inpainting candidate: `steps` scheduler steps, `guidanceSteps` gradient steps (iterations = guidanceSteps + 1). */
export async function sdStage(folder: string, classifierFile: string, work: string, opts: { steps: number; guidanceSteps: number; size: number }): Promise<StageResult> {
  const { project, imagePath } = await benchProject(join(work, 'project'));
  try {
    const sd = await importInto(project, 'inpainting', folder);
    const cls = await importInto(project, 'classifier', classifierFile);
    let memory = '';
    const [candidate, stageMs] = await timed(async () => {
      const models = await loadInpaintModels(sd.path, { providers: ['cpu'] });
      memory = models.memory;
      try {
        const classifier = loadGuidanceClassifier(cls.path);
        return await generateCandidate(models, classifier, {
          image: imagePath,
          prompt: 'A photo of a giant panda, bamboo, leaf, railing.',
          width: opts.size,
          height: opts.size,
          steps: opts.steps,
          iterations: opts.guidanceSteps + 1,
          objective: 'official',
          seed: 1,
        });
      } finally {
        await releaseGuidance(models);
        await models.release();
      }
    });
    const t = candidate.timings;
    return {
      importMs: sd.ms + cls.ms,
      stageMs,
      peakRssMb: peakRssOfThisProcessMb(),
      parts: {
        memory,
        load_ms: Math.round(stageMs - t.totalMs),
        prepare_ms: Math.round(t.prepareMs),
        unet_ms: Math.round(t.unetMs),
        unet_calls: t.unetCalls,
        timesteps: candidate.timesteps.join('/'),
        gradient_ms: Math.round(t.gradientMs),
        decode_ms: Math.round(t.decodeMs),
        candidate_ms: Math.round(t.totalMs),
        loss: candidate.losses.map((l) => (l === null ? 'none' : l.toPrecision(4))).join('/'),
      },
    };
  } finally {
    project.db.close();
  }
}

/** The classifier's part of the generate stage: one guidance step (forward + VJP) with the SD folder's VAE decoder. */
export async function resnetStage(classifierFile: string, decoderFile: string, work: string, latent: number): Promise<StageResult> {
  const { project } = await benchProject(join(work, 'project'));
  try {
    const cls = await importInto(project, 'classifier', classifierFile);
    let buildMs = 0;
    const [grad, stageMs] = await timed(async () => {
      const t0 = performance.now();
      const runner = await officialGuidanceRunner(decoderFile, cls.path, latent, { providers: ['cpu'] });
      buildMs = performance.now() - t0;
      try {
        return await runner.gradient(new Rng(1).normalArray(4 * latent * latent, 1));
      } finally {
        await runner.release();
      }
    });
    if (!grad.grad.every(Number.isFinite)) throw new Error('the guidance step gave a non-finite gradient');
    return {
      importMs: cls.ms,
      stageMs,
      peakRssMb: peakRssOfThisProcessMb(),
      parts: { build_ms: Math.round(buildMs), step_ms: Math.round(stageMs - buildMs), loss: grad.loss === null ? 'none' : grad.loss.toPrecision(4) },
    };
  } finally {
    project.db.close();
  }
}
