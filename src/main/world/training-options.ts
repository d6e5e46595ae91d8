import { Adam } from '../pipeline/train/adam';
import { SeededRandom } from '../pipeline/train/seeded-random';
import type { EpochCheckpointInfo, LoopOptions, StepMetrics } from '../pipeline/train/training-loop';

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

/** The optimisation settings every world model shares. */
export interface WorldOptimiserSettings {
  seed: number;
  epochs: number;
  batchSize: number;
  lr: number;
  etaMin: number;
  weightDecay: number;
}

/**
 * The training-loop options both world trainers use: Adam with L2, a cosine schedule per step, and the shuffles from
 * a generator seeded by the model's seed (stored in checkpoints, so a resume continues the same order).
 */
export function worldLoopOptions(s: WorldOptimiserSettings): Pick<LoopOptions, 'epochs' | 'batchSize' | 'rng' | 'baseLr' | 'etaMin' | 'schedule' | 'optimizer'> {
  return {
    epochs: s.epochs,
    batchSize: s.batchSize,
    rng: new SeededRandom(s.seed),
    baseLr: s.lr,
    etaMin: s.etaMin,
    schedule: 'step',
    optimizer: new Adam({ weightDecay: s.weightDecay }),
  };
}
