import type { ScheduleGranularity } from './cosine-schedule';
import { buildLabelFeaturesForward } from './label-features-graph';
import { SeededRandom } from './seeded-random';
import { Sgd } from './sgd';
import { batchTensors, checkRowMultiple, normalizedRows, validateSamples } from './training-data';
import { runTrainingLoop, type EpochCheckpointInfo, type LoopResult, type StepMetrics } from './training-loop';
import { openTrainingStep, type SessionSettings } from './training-step-session';

export interface LabelFeaturesTrainingData {
  dim: number;
  /** [N, dim] CLIP image features of the synthetic images (frozen; normalised here). No projection. */
  imageFeatures: Float32Array;
  /** [N] index into `labelFeatures`: each image's assigned negative label. */
  targets: Int32Array;
  /** [M', dim] the assigned labels' text-encoder outputs: the initial values of the learnable features. */
  labelFeatures: Float32Array;
}

/** SynOOD's official code uses lr 2e-2; the paper states 2e-3. */
export const LABEL_FEATURES_LR = { code: 2e-2, paper: 2e-3 } as const;

/** docs/METHOD.md §7 defaults (lr from the official code). */
export const LABEL_FEATURES_DEFAULTS = {
  epochs: 5,
  batchSize: 128,
  lr: LABEL_FEATURES_LR.code as number,
  momentum: 0.9,
  weightDecay: 1e-5,
  etaMin: 0,
  schedule: 'step' as ScheduleGranularity,
  seed: 0,
};

export interface LabelFeaturesTrainingOptions extends Partial<typeof LABEL_FEATURES_DEFAULTS>, SessionSettings {
  checkpointPath?: string;
  resume?: boolean;
  onStep?(m: StepMetrics): void;
  onCheckpoint?(info: EpochCheckpointInfo): void;
  signal?: AbortSignal;
}

export interface LabelFeaturesTrainingResult extends LoopResult {
  /** [M', dim] tuned label features (unnormalised parameters; scorers normalise them). */
  labelFeatures: Float32Array;
  settings: typeof LABEL_FEATURES_DEFAULTS & { lrSource: 'code' | 'paper' | 'custom' };
}

/**
 * Fine-tuning 2 (docs/METHOD.md §7): the M' assigned labels' text features are the only parameters; logits =
 * 100·cos(img, label) over those M' labels; cross-entropy to the assigned label; torch SGD with momentum and
 * L2 weight decay, cosine lr (eta_min 0, torch's default — docs/METHOD.md gives none for this stage).
 */
export async function trainLabelFeatures(data: LabelFeaturesTrainingData, opts: LabelFeaturesTrainingOptions = {}): Promise<LabelFeaturesTrainingResult> {
  const lr = opts.lr ?? LABEL_FEATURES_DEFAULTS.lr;
  const settings = {
    epochs: opts.epochs ?? LABEL_FEATURES_DEFAULTS.epochs,
    batchSize: opts.batchSize ?? LABEL_FEATURES_DEFAULTS.batchSize,
    lr,
    momentum: opts.momentum ?? LABEL_FEATURES_DEFAULTS.momentum,
    weightDecay: opts.weightDecay ?? LABEL_FEATURES_DEFAULTS.weightDecay,
    etaMin: opts.etaMin ?? LABEL_FEATURES_DEFAULTS.etaMin,
    schedule: opts.schedule ?? LABEL_FEATURES_DEFAULTS.schedule,
    seed: opts.seed ?? LABEL_FEATURES_DEFAULTS.seed,
    lrSource: (lr === LABEL_FEATURES_LR.code ? 'code' : lr === LABEL_FEATURES_LR.paper ? 'paper' : 'custom') as 'code' | 'paper' | 'custom',
  };
  const { dim } = data;
  const numLabels = Number.isInteger(dim) && dim > 0 ? checkRowMultiple(data.labelFeatures, dim, 'label features') : 0;
  const n = validateSamples({ features: data.imageFeatures, targets: data.targets, dim, numClasses: numLabels, featureName: 'image features', className: 'assigned negative labels' });
  const images = normalizedRows(data.imageFeatures, dim);
  const labels = data.labelFeatures.slice();
  const step = await openTrainingStep(buildLabelFeaturesForward(dim, numLabels), [{ name: 'label_features', dims: [numLabels, dim] }], {
    providers: opts.providers,
    intraOpNumThreads: opts.intraOpNumThreads,
  });
  try {
    const result = await runTrainingLoop({
      kind: 'label-features',
      numSamples: n,
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      rng: new SeededRandom(settings.seed),
      baseLr: settings.lr,
      etaMin: settings.etaMin,
      schedule: settings.schedule,
      optimizer: new Sgd({ momentum: settings.momentum, weightDecay: settings.weightDecay }),
      params: { label_features: labels },
      runStep: (batch, values) => {
        const { x, y } = batchTensors(images, data.targets, dim, batch);
        return step.run({ image_features: x, target: y }, values);
      },
      config: { ...settings, dim, numLabels, numSamples: n },
      checkpointPath: opts.checkpointPath,
      resume: opts.resume,
      onStep: opts.onStep,
      onCheckpoint: opts.onCheckpoint,
      signal: opts.signal,
    });
    return { ...result, labelFeatures: labels, settings };
  } finally {
    await step.release();
  }
}
