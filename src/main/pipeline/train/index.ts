export { trainProjection, scaledTransposedText, PROJECTION_DEFAULTS, type ProjectionTrainingData, type ProjectionTrainingOptions, type ProjectionTrainingResult } from './projection-trainer';
export {
  trainLabelFeatures,
  LABEL_FEATURES_DEFAULTS,
  LABEL_FEATURES_LR,
  type LabelFeaturesTrainingData,
  type LabelFeaturesTrainingOptions,
  type LabelFeaturesTrainingResult,
} from './label-features-trainer';
export { applyProjection, initProjection, projectionParams, LAYER_NORM_EPS, type ProjectionWeights } from './projection-weights';
export { buildProjectionForward, LOGIT_SCALE } from './projection-graph';
export { buildLabelFeaturesForward } from './label-features-graph';
export { openTrainingStep, type TrainingStepSession, type ParamSpec, type SessionSettings } from './training-step-session';
export { runTrainingLoop, TrainingDivergedError, type StepMetrics, type StepOutcome, type EpochCheckpointInfo, type LoopOptions, type LoopResult } from './training-loop';
export { readCheckpoint, writeCheckpoint, type TrainingCheckpoint } from './checkpoint';
export { Adam, type AdamOptions } from './adam';
export { Sgd, type SgdOptions } from './sgd';
export type { Optimizer, OptimizerState } from './optimizer';
export { cosineAnnealingLr, scheduledLr, type CosineSchedule, type ScheduleGranularity } from './cosine-schedule';
export { SeededRandom } from './seeded-random';
