import type { EpochCheckpointInfo, StepMetrics } from '../pipeline/train/training-loop';

/** What every `synood world train` model accepts besides its own settings: resumable, observable, cancellable. */
export interface WorldTrainingHooks {
  checkpointPath?: string;
  resume?: boolean;
  intraOpNumThreads?: number;
  onStep?(m: StepMetrics): void;
  onCheckpoint?(info: EpochCheckpointInfo): void;
  /** Called once the training images are rendered (rendering is a few seconds of the run). */
  onData?(count: number): void;
  signal?: AbortSignal;
}
