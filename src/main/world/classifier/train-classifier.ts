import * as ort from 'onnxruntime-node';
import { runTrainingLoop } from '../../pipeline/train/training-loop';
import { worldLoopOptions, type WorldTrainingHooks } from '../training-options';
import { openTrainingStep } from '../../pipeline/train/training-step-session';
import type { ModelProto } from '../../onnx';
import { IND_CLASS_NAMES } from '../catalogue';
import { WORLD_IMAGE_SIZE } from '../scene';
import { isDecodeAugmented, latentRoundTrip } from '../latent-map';
import { worldSplit } from '../splits';
import { buildWorldClassifier } from './architecture';
import { normalisedBatch } from './pixels';
import { classifierTrainingForward, trainableParams, withWeights } from './trainable';

export const CLASSIFIER_TRAINING_DEFAULTS = {
  seed: 0,
  /** Images of the ind-train split used (balanced: the split cycles through the 10 classes). */
  trainImages: 3000,
  epochs: 8,
  batchSize: 64,
  lr: 3e-3,
  etaMin: 1e-5,
  weightDecay: 1e-5,
  /** torchvision's ResNet-50 V2 recipe (see loss.ts). */
  labelSmoothing: 0.1,
};
export type ClassifierTrainingSettings = typeof CLASSIFIER_TRAINING_DEFAULTS;

export interface ClassifierTrainingOptions extends Partial<ClassifierTrainingSettings>, WorldTrainingHooks {}

export interface ClassifierTrainingResult {
  model: ModelProto;
  settings: ClassifierTrainingSettings;
  startedAtEpoch: number;
  globalSteps: number;
  /** Mean loss and accuracy over the last epoch's steps. */
  lastEpoch: { loss: number; accuracy: number };
}

/**
 * Trains the world's guidance classifier on the InD training split: cross-entropy, Adam (L2 weight decay), cosine lr
 * per step, seeded shuffles and init, a checkpoint after every epoch (resume continues the same run exactly). The
 * gradient is the engine's vjp of the ONNX forward graph, run in onnxruntime — no Python anywhere.
 */
export async function trainWorldClassifier(opts: ClassifierTrainingOptions = {}): Promise<ClassifierTrainingResult> {
  const settings: ClassifierTrainingSettings = { ...CLASSIFIER_TRAINING_DEFAULTS };
  for (const k of Object.keys(settings) as (keyof ClassifierTrainingSettings)[]) if (opts[k] !== undefined) settings[k] = opts[k]!;
  const numClasses = IND_CLASS_NAMES.length;
  const images = worldSplit('ind-train', { count: settings.trainImages });
  opts.onData?.(images.length);
  // Half of each class is shown as the latent map decodes it, so the classifier is as sure of a decode as of a render.
  const pixels = images.map((img, i) => (isDecodeAugmented(i) ? latentRoundTrip(img.pixels) : img.pixels));
  const targets = images.map((img) => img.indClass!);

  const model = buildWorldClassifier(settings.seed);
  const params = trainableParams(model);
  const step = await openTrainingStep(classifierTrainingForward(model, params, 'logits', numClasses, settings.labelSmoothing), params.specs, { providers: ['cpu'], intraOpNumThreads: opts.intraOpNumThreads });
  let epochLoss = 0;
  let epochCorrect = 0;
  let epochSeen = 0;
  try {
    const result = await runTrainingLoop({
      kind: 'world-classifier',
      numSamples: images.length,
      // Weights come from the model's own seeded stream; the shuffles from the loop's (worldLoopOptions).
      ...worldLoopOptions(settings),
      params: Object.fromEntries(params.specs.map((s, i) => [s.name, params.values[i]!])),
      runStep: (batch, values) => {
        const x = new ort.Tensor('float32', normalisedBatch(pixels, batch), [batch.length, 3, WORLD_IMAGE_SIZE, WORLD_IMAGE_SIZE]);
        const y = new ort.Tensor('int64', BigInt64Array.from(Array.from(batch, (r) => BigInt(targets[r]!))), [batch.length]);
        return step.run({ input: x, target: y }, values);
      },
      config: { ...settings, numClasses },
      checkpointPath: opts.checkpointPath,
      resume: opts.resume,
      onStep: (m) => {
        if (m.stepInEpoch === 0) epochLoss = epochCorrect = epochSeen = 0;
        epochLoss += m.loss * m.batchSize;
        epochCorrect += m.accuracy * m.batchSize;
        epochSeen += m.batchSize;
        opts.onStep?.(m);
      },
      onCheckpoint: opts.onCheckpoint,
      signal: opts.signal,
    });
    return {
      model: withWeights(model, params),
      settings,
      startedAtEpoch: result.startedAtEpoch,
      globalSteps: result.globalSteps,
      lastEpoch: { loss: epochSeen ? epochLoss / epochSeen : NaN, accuracy: epochSeen ? epochCorrect / epochSeen : NaN },
    };
  } finally {
    await step.release();
  }
}
