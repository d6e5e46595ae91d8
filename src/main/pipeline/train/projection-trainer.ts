import { Adam } from './adam';
import type { ScheduleGranularity } from './cosine-schedule';
import { buildProjectionForward, LOGIT_SCALE } from './projection-graph';
import { initProjection, PROJECTION_PARAM_NAMES, type ProjectionWeights } from './projection-weights';
import { SeededRandom } from './seeded-random';
import { batchTensors, checkRowMultiple, normalizedRows, validateSamples } from './training-data';
import { runTrainingLoop, type EpochCheckpointInfo, type LoopResult, type StepMetrics } from './training-loop';
import { openTrainingStep, type SessionSettings } from './training-step-session';

export interface ProjectionTrainingData {
  dim: number;
  /** [N, dim] CLIP image features, unnormalised (encode_image output). */
  features: Float32Array;
  /** [N] index into `textFeatures`: the InD class for InD images, K + assigned label for synthetic ones. */
  targets: Int32Array;
  /** [C, dim] text features, InD classes ('a nice {class}') then the M' assigned negative labels; frozen. */
  textFeatures: Float32Array;
}

/** docs/METHOD.md §6 defaults. */
export const PROJECTION_DEFAULTS = {
  epochs: 3,
  batchSize: 128,
  lr: 1e-3,
  weightDecay: 1e-5,
  etaMin: 1e-5,
  schedule: 'step' as ScheduleGranularity,
  seed: 0,
};

export interface ProjectionTrainingOptions extends Partial<typeof PROJECTION_DEFAULTS>, SessionSettings {
  checkpointPath?: string;
  resume?: boolean;
  onStep?(m: StepMetrics): void;
  onCheckpoint?(info: EpochCheckpointInfo): void;
  signal?: AbortSignal;
}

export interface ProjectionTrainingResult extends LoopResult {
  weights: ProjectionWeights;
  /** The settings actually used (defaults filled in), for the run record. */
  settings: typeof PROJECTION_DEFAULTS;
}

/** 100·Tᵀ with T's rows normalised, laid out [dim, C] for the logits MatMul. */
export function scaledTransposedText(text: Float32Array, dim: number): Float32Array {
  const c = text.length / dim;
  const t = normalizedRows(text, dim);
  const out = new Float32Array(dim * c);
  for (let k = 0; k < c; k++) for (let j = 0; j < dim; j++) out[j * c + k] = LOGIT_SCALE * t[k * dim + j]!;
  return out;
}

/**
 * Fine-tuning 1 (docs/METHOD.md §6): x' = normalize(x + P(x)), logits = 100·x'·Tᵀ, cross-entropy; Adam with L2
 * weight decay, cosine lr, seeded shuffle, per-epoch checkpoints. The step's gradient comes from the engine's
 * vjp of the ONNX forward graph.
 */
export async function trainProjection(data: ProjectionTrainingData, opts: ProjectionTrainingOptions = {}): Promise<ProjectionTrainingResult> {
  const settings = {
    epochs: opts.epochs ?? PROJECTION_DEFAULTS.epochs,
    batchSize: opts.batchSize ?? PROJECTION_DEFAULTS.batchSize,
    lr: opts.lr ?? PROJECTION_DEFAULTS.lr,
    weightDecay: opts.weightDecay ?? PROJECTION_DEFAULTS.weightDecay,
    etaMin: opts.etaMin ?? PROJECTION_DEFAULTS.etaMin,
    schedule: opts.schedule ?? PROJECTION_DEFAULTS.schedule,
    seed: opts.seed ?? PROJECTION_DEFAULTS.seed,
  };
  const { dim } = data;
  const numClasses = Number.isInteger(dim) && dim > 0 ? checkRowMultiple(data.textFeatures, dim, 'text features') : 0;
  const n = validateSamples({ features: data.features, targets: data.targets, dim, numClasses, featureName: 'image features', className: 'InD classes + assigned labels' });

  const rng = new SeededRandom(settings.seed);
  const weights = initProjection(dim, rng);
  const step = await openTrainingStep(
    buildProjectionForward(dim, scaledTransposedText(data.textFeatures, dim), numClasses),
    [
      { name: 'proj_weight', dims: [dim, dim] },
      { name: 'proj_bias', dims: [dim] },
      { name: 'ln_weight', dims: [dim] },
      { name: 'ln_bias', dims: [dim] },
    ],
    { providers: opts.providers, intraOpNumThreads: opts.intraOpNumThreads },
  );
  try {
    const params: Record<(typeof PROJECTION_PARAM_NAMES)[number], Float32Array> = {
      proj_weight: weights.weight,
      proj_bias: weights.bias,
      ln_weight: weights.lnWeight,
      ln_bias: weights.lnBias,
    };
    const result = await runTrainingLoop({
      kind: 'projection',
      numSamples: n,
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      rng,
      baseLr: settings.lr,
      etaMin: settings.etaMin,
      schedule: settings.schedule,
      optimizer: new Adam({ weightDecay: settings.weightDecay }),
      params,
      runStep: (batch, values) => {
        const { x, y } = batchTensors(data.features, data.targets, dim, batch);
        return step.run({ features: x, target: y }, values);
      },
      config: { ...settings, dim, numClasses, numSamples: n },
      checkpointPath: opts.checkpointPath,
      resume: opts.resume,
      onStep: opts.onStep,
      onCheckpoint: opts.onCheckpoint,
      signal: opts.signal,
    });
    return { ...result, weights, settings };
  } finally {
    await step.release();
  }
}
