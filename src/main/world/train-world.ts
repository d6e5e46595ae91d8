import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { saveModel } from '../onnx';
import { IND_CLASS_NAMES } from './catalogue';
import { evaluateWorldClassifier } from './classifier/evaluate-classifier';
import { CLASSIFIER_TRAINING_DEFAULTS, trainWorldClassifier } from './classifier/train-classifier';
import { trainWorldClip } from './clip/train-clip';
import { zeroShotAccuracy } from './clip/zero-shot';
import { worldSplit } from './splits';

/** The models `synood world train` can train; more join as they land (tiny CLIP, inpainting UNet). */
export const WORLD_MODELS = ['classifier', 'clip'] as const;
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

export async function trainWorld(o: WorldTrainOptions): Promise<{ classifier?: ClassifierRecord; clip?: ClipRecord; seconds: number }> {
  const started = performance.now();
  const which = new Set(o.only ?? WORLD_MODELS);
  mkdirSync(o.outDir, { recursive: true });
  mkdirSync(o.workDir, { recursive: true });
  const out: { classifier?: ClassifierRecord; clip?: ClipRecord; seconds: number } = { seconds: 0 };
  if (which.has('classifier')) out.classifier = await trainClassifierStage(o);
  if (which.has('clip')) out.clip = await trainClipStage(o);
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

function secondsSince(t0: number): string {
  return ((performance.now() - t0) / 1000).toFixed(1);
}
