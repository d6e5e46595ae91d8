import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { saveModel } from '../onnx';
import { IND_CLASS_NAMES } from './catalogue';
import { evaluateWorldClassifier } from './classifier/evaluate-classifier';
import { CLASSIFIER_TRAINING_DEFAULTS, trainWorldClassifier } from './classifier/train-classifier';
import { trainWorldClip } from './clip/train-clip';
import { trainableParams } from './classifier/trainable';
import { zeroShotAccuracy } from './clip/zero-shot';
import { worldSplit } from './splits';
import { denoiserError, PIPELINE_START_T } from './diffusion/evaluate-unet';
import { SD_INPAINT_DIR, writeWorldSdInpaint } from './diffusion/sd-folder';
import { readWordEmbeddings } from './diffusion/text-states';
import { trainWorldUnet } from './diffusion/train-unet';

/** The models `synood world train` can train, in the order they train (the UNet reads the tiny CLIP's words). */
export const WORLD_MODELS = ['classifier', 'clip', 'unet'] as const;
export type WorldModel = (typeof WORLD_MODELS)[number];

export const CLASSIFIER_FILE = 'classifier.onnx';
export const CLASSIFIER_RECORD = 'classifier.json';

/** What is committed beside the weights: how they were made and what they scored. */
export const ClassifierRecord = z.object({
  model: z.literal('world-classifier'),
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  classNames: z.array(z.string()),
  settings: z.object({ seed: z.number(), trainImages: z.number(), epochs: z.number(), batchSize: z.number(), lr: z.number(), etaMin: z.number(), weightDecay: z.number(), labelSmoothing: z.number() }),
  indTestAccuracy: z.number().min(0).max(1),
  indTestImages: z.number().int(),
  trainSeconds: z.number(),
  /** How many of the epochs this invocation ran (fewer after a resume). */
  epochsThisRun: z.number().int(),
});
export type ClassifierRecord = z.infer<typeof ClassifierRecord>;

export const CLIP_IMAGE_FILE = 'clip-image.onnx';
export const CLIP_TEXT_FILE = 'clip-text.onnx';
export const CLIP_RECORD = 'clip.json';

export const ClipRecord = z.object({
  model: z.literal('world-clip'),
  files: z.object({ image: z.string(), text: z.string() }),
  sha256: z.object({ image: z.string().regex(/^[0-9a-f]{64}$/), text: z.string().regex(/^[0-9a-f]{64}$/) }),
  settings: z.object({ seed: z.number(), trainImages: z.number(), epochs: z.number(), batchSize: z.number(), lr: z.number(), etaMin: z.number(), weightDecay: z.number() }),
  zeroShotIndAccuracy: z.number().min(0).max(1),
  indTestImages: z.number().int(),
  trainSeconds: z.number(),
  epochsThisRun: z.number().int(),
});
export type ClipRecord = z.infer<typeof ClipRecord>;

export const UNET_RECORD = 'sd-inpaint.json';
/** Held-out images the record's denoiser figures are measured on (ind-test: never in world-train). */
export const UNET_EVAL_IMAGES = 50;

export const UnetRecord = z.object({
  model: z.literal('world-sd-inpaint'),
  dir: z.string(),
  /** sha256 of every file of the folder, by path inside it. */
  sha256: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
  unetParameters: z.number().int(),
  settings: z.object({ seed: z.number(), trainImages: z.number(), epochs: z.number(), batchSize: z.number(), lr: z.number(), etaMin: z.number(), weightDecay: z.number(), pipelineRangeShare: z.number(), fullMaskShare: z.number(), emptyPromptShare: z.number() }),
  lastEpochLoss: z.number(),
  /** One UNet call at t = 601 on held-out images: mean squared error of x̂0, of x_t, and of guessing 0. */
  denoiser: z.object({ t: z.number().int(), images: z.number().int(), predictedMse: z.number(), noisyMse: z.number(), zeroMse: z.number() }),
  trainSeconds: z.number(),
  epochsThisRun: z.number().int(),
});
export type UnetRecord = z.infer<typeof UnetRecord>;

export interface WorldTrainOptions {
  outDir: string;
  workDir: string;
  only?: WorldModel[];
  /** Start over instead of continuing from the work dir's checkpoints. */
  fresh?: boolean;
  seed?: number;
  epochs?: number;
  threads?: number;
  log(line: string): void;
}

export interface WorldTrainResult {
  classifier?: ClassifierRecord;
  clip?: ClipRecord;
  unet?: UnetRecord;
  seconds: number;
}

export async function trainWorld(o: WorldTrainOptions): Promise<WorldTrainResult> {
  const started = performance.now();
  const which = new Set(o.only ?? WORLD_MODELS);
  mkdirSync(o.outDir, { recursive: true });
  mkdirSync(o.workDir, { recursive: true });
  const out: WorldTrainResult = { seconds: 0 };
  if (which.has('classifier')) out.classifier = await trainClassifierStage(o);
  if (which.has('clip')) out.clip = await trainClipStage(o);
  if (which.has('unet')) out.unet = await trainUnetStage(o);
  out.seconds = (performance.now() - started) / 1000;
  return out;
}

async function trainClassifierStage(o: WorldTrainOptions): Promise<ClassifierRecord> {
  const t0 = performance.now();
  const epochs = o.epochs ?? CLASSIFIER_TRAINING_DEFAULTS.epochs;
  o.log(`classifier: rendering ${CLASSIFIER_TRAINING_DEFAULTS.trainImages} InD training images`);
  let lastEpochLine = '';
  const result = await trainWorldClassifier({
    seed: o.seed,
    epochs,
    checkpointPath: path.join(o.workDir, 'classifier.ckpt'),
    resume: !o.fresh,
    intraOpNumThreads: o.threads,
    onData: (n) => o.log(`classifier: ${n} images ready (${secondsSince(t0)} s)`),
    onStep: (m) => {
      if (m.stepInEpoch % 10 === 0) lastEpochLine = `classifier: epoch ${m.epoch + 1}/${epochs} step ${m.stepInEpoch + 1} loss ${m.loss.toFixed(3)} batch acc ${(100 * m.accuracy).toFixed(0)}% lr ${m.lr.toExponential(2)} (${secondsSince(t0)} s)`;
      if (m.stepInEpoch % 10 === 0) o.log(lastEpochLine);
    },
    onCheckpoint: (c) => o.log(`classifier: epoch ${c.epoch} checkpointed to ${c.path}`),
  });
  if (result.startedAtEpoch > 0) o.log(`classifier: resumed at epoch ${result.startedAtEpoch + 1}`);
  const trainSeconds = (performance.now() - t0) / 1000;
  const test = worldSplit('ind-test');
  const ev = await evaluateWorldClassifier(result.model, test, { intraOpNumThreads: o.threads });
  const bytes = saveModel(result.model);
  writeFileSync(path.join(o.outDir, CLASSIFIER_FILE), bytes);
  const record: ClassifierRecord = {
    model: 'world-classifier',
    file: CLASSIFIER_FILE,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    classNames: [...IND_CLASS_NAMES],
    settings: result.settings,
    indTestAccuracy: ev.accuracy,
    indTestImages: test.length,
    trainSeconds: Math.round(trainSeconds * 10) / 10,
    epochsThisRun: epochs - result.startedAtEpoch,
  };
  writeFileSync(path.join(o.outDir, CLASSIFIER_RECORD), JSON.stringify(record, null, 2) + '\n');
  o.log(`classifier: InD test accuracy ${(100 * ev.accuracy).toFixed(1)}% on ${test.length} images; trained in ${trainSeconds.toFixed(1)} s; wrote ${path.join(o.outDir, CLASSIFIER_FILE)}`);
  return record;
}

async function trainClipStage(o: WorldTrainOptions): Promise<ClipRecord> {
  const t0 = performance.now();
  const result = await trainWorldClip({
    seed: o.seed,
    epochs: o.epochs,
    checkpointPath: path.join(o.workDir, 'clip.ckpt'),
    resume: !o.fresh,
    intraOpNumThreads: o.threads,
    onData: (n) => o.log(`clip: ${n} world images ready (${secondsSince(t0)} s)`),
    onStep: (m) => {
      if (m.stepInEpoch % 10 === 0) o.log(`clip: epoch ${m.epoch + 1} step ${m.stepInEpoch + 1} loss ${m.loss.toFixed(3)} in-batch retrieval ${(100 * m.accuracy).toFixed(0)}% lr ${m.lr.toExponential(2)} (${secondsSince(t0)} s)`);
    },
    onCheckpoint: (c) => o.log(`clip: epoch ${c.epoch} checkpointed to ${c.path}`),
  });
  if (result.startedAtEpoch > 0) o.log(`clip: resumed at epoch ${result.startedAtEpoch + 1}`);
  const trainSeconds = (performance.now() - t0) / 1000;
  const test = worldSplit('ind-test');
  const accuracy = await zeroShotAccuracy(result.imageModel, result.textModel, test);
  const image = saveModel(result.imageModel);
  const text = saveModel(result.textModel);
  writeFileSync(path.join(o.outDir, CLIP_IMAGE_FILE), image);
  writeFileSync(path.join(o.outDir, CLIP_TEXT_FILE), text);
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  const record: ClipRecord = {
    model: 'world-clip',
    files: { image: CLIP_IMAGE_FILE, text: CLIP_TEXT_FILE },
    sha256: { image: sha(image), text: sha(text) },
    settings: result.settings,
    zeroShotIndAccuracy: accuracy,
    indTestImages: test.length,
    trainSeconds: Math.round(trainSeconds * 10) / 10,
    epochsThisRun: result.settings.epochs - result.startedAtEpoch,
  };
  writeFileSync(path.join(o.outDir, CLIP_RECORD), JSON.stringify(record, null, 2) + '\n');
  o.log(`clip: zero-shot InD accuracy ${(100 * accuracy).toFixed(1)}% on ${test.length} images; trained in ${trainSeconds.toFixed(1)} s`);
  return record;
}

async function trainUnetStage(o: WorldTrainOptions): Promise<UnetRecord> {
  const t0 = performance.now();
  const clipText = path.join(o.outDir, CLIP_TEXT_FILE);
  if (!existsSync(clipText)) throw new Error(`unet: the text states come from the tiny CLIP, and ${clipText} is missing (train 'clip' first)`);
  const words = readWordEmbeddings(clipText);
  const result = await trainWorldUnet({
    wordEmbeddings: words,
    seed: o.seed,
    epochs: o.epochs,
    checkpointPath: path.join(o.workDir, 'unet.ckpt'),
    resume: !o.fresh,
    intraOpNumThreads: o.threads,
    onData: (n) => o.log(`unet: ${n} world images ready (${secondsSince(t0)} s)`),
    onStep: (m) => {
      if (m.stepInEpoch % 10 === 0) o.log(`unet: epoch ${m.epoch + 1} step ${m.stepInEpoch + 1} loss ${m.loss.toFixed(4)} lr ${m.lr.toExponential(2)} (${secondsSince(t0)} s)`);
    },
    onCheckpoint: (c) => o.log(`unet: epoch ${c.epoch} checkpointed to ${c.path}`),
  });
  if (result.startedAtEpoch > 0) o.log(`unet: resumed at epoch ${result.startedAtEpoch + 1}`);
  const trainSeconds = (performance.now() - t0) / 1000;
  const held = worldSplit('ind-test', { count: UNET_EVAL_IMAGES });
  const err = await denoiserError(result.model, held, words, { threads: o.threads });
  const dir = path.join(o.outDir, SD_INPAINT_DIR);
  const files = writeWorldSdInpaint(dir, result.model, words);
  const sha256 = Object.fromEntries(files.sort().map((f) => [f, createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex')]));
  const record: UnetRecord = {
    model: 'world-sd-inpaint',
    dir: SD_INPAINT_DIR,
    sha256,
    unetParameters: trainableParams(result.model).values.reduce((a, v) => a + v.length, 0),
    settings: result.settings,
    lastEpochLoss: result.lastEpochLoss,
    denoiser: { t: PIPELINE_START_T, images: held.length, predictedMse: err.predicted, noisyMse: err.noisy, zeroMse: err.zero },
    trainSeconds: Math.round(trainSeconds * 10) / 10,
    epochsThisRun: result.settings.epochs - result.startedAtEpoch,
  };
  writeFileSync(path.join(o.outDir, UNET_RECORD), JSON.stringify(record, null, 2) + '\n');
  o.log(`unet: x̂0 MSE at t=${PIPELINE_START_T} ${err.predicted.toFixed(4)} (noisy ${err.noisy.toFixed(4)}, zero guess ${err.zero.toFixed(4)}) on ${held.length} held-out images; trained in ${trainSeconds.toFixed(1)} s; wrote ${dir}`);
  return record;
}

function secondsSince(t0: number): string {
  return ((performance.now() - t0) / 1000).toFixed(1);
}
