import { existsSync } from 'node:fs';
import { readCheckpoint, writeCheckpoint } from './checkpoint';
import { scheduledLr, type ScheduleGranularity } from './cosine-schedule';
import type { Optimizer } from './optimizer';
import { SeededRandom } from './seeded-random';

/** What one forward/backward pass over a mini-batch returns. */
export interface StepOutcome {
  /** Mean loss over the batch. */
  loss: number;
  /** How many of the batch's samples the model ranks first on their target. */
  correct: number;
  /** Gradients of the mean loss, in the order of `params`. */
  grads: Float32Array[];
}

export interface StepMetrics {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based optimizer step within the epoch. */
  stepInEpoch: number;
  /** 0-based optimizer step over the whole run. */
  globalStep: number;
  batchSize: number;
  loss: number;
  accuracy: number;
  /** The lr this step was taken with. */
  lr: number;
}

export interface EpochCheckpointInfo {
  epoch: number;
  globalStep: number;
  path: string;
}

export interface LoopOptions {
  /** Names this trainer in checkpoints, so one kind's checkpoint is never resumed by the other. */
  kind: string;
  numSamples: number;
  epochs: number;
  batchSize: number;
  /** Seeds the shuffling generator (the trainers also draw their initial weights from it first). */
  rng: SeededRandom;
  baseLr: number;
  etaMin: number;
  schedule: ScheduleGranularity;
  optimizer: Optimizer;
  /** Parameter name → values, updated in place; the order is the order of `StepOutcome.grads`. */
  params: Record<string, Float32Array>;
  runStep(batch: Int32Array, params: Float32Array[]): Promise<StepOutcome>;
  /** The settings that must match for a resume to continue the same run (hyper-parameters, data sizes). */
  config: Record<string, unknown>;
  /** Written after every epoch (temp file + rename). */
  checkpointPath?: string;
  /** Continue from `checkpointPath` when it exists. */
  resume?: boolean;
  onStep?(m: StepMetrics): void;
  onCheckpoint?(info: EpochCheckpointInfo): void;
  signal?: AbortSignal;
}

export interface LoopResult {
  epochsCompleted: number;
  globalSteps: number;
  /** The epoch the run started from (0, or the resumed checkpoint's). */
  startedAtEpoch: number;
}

/** Thrown when a step yields a NaN/inf loss or gradient; earlier checkpoints are left as they were. */
export class TrainingDivergedError extends Error {
  constructor(
    readonly epoch: number,
    readonly stepInEpoch: number,
    readonly globalStep: number,
    what: string,
  ) {
    super(`training diverged: ${what} at epoch ${epoch + 1}, step ${stepInEpoch + 1} of that epoch (global step ${globalStep + 1})`);
    this.name = 'TrainingDivergedError';
  }
}

/**
 * Mini-batch SGD-style loop shared by both fine-tuning stages: seeded shuffle per epoch, last partial batch
 * kept (torch DataLoader's drop_last=False), cosine lr, per-epoch atomic checkpoints and exact resume.
 */
export async function runTrainingLoop(o: LoopOptions): Promise<LoopResult> {
  const names = Object.keys(o.params);
  const params = names.map((n) => o.params[n]!);
  const stepsPerEpoch = Math.ceil(o.numSamples / o.batchSize);
  let startEpoch = 0;
  let globalStep = 0;

  if (o.resume && o.checkpointPath && existsSync(o.checkpointPath)) {
    const ck = readCheckpoint(o.checkpointPath);
    if (ck.kind !== o.kind) throw new Error(`checkpoint ${o.checkpointPath} was written by a '${ck.kind}' run, not '${o.kind}'`);
    const mismatch = firstConfigMismatch(ck.config, o.config);
    if (mismatch) throw new Error(`cannot resume from ${o.checkpointPath}: setting '${mismatch}' differs from the checkpointed run`);
    for (const n of names) {
      const saved = ck.params[n];
      if (!saved || saved.length !== o.params[n]!.length) throw new Error(`checkpoint ${o.checkpointPath} lacks parameter '${n}' of the expected size`);
      o.params[n]!.set(saved);
    }
    o.optimizer.setState({ step: ck.optimizerStep, buffers: ck.optimizerBuffers });
    o.rng.state = ck.rngState;
    startEpoch = ck.epoch;
    globalStep = ck.globalStep;
  }

  const schedule = { baseLr: o.baseLr, etaMin: o.etaMin, granularity: o.schedule, epochs: o.epochs, stepsPerEpoch };
  for (let epoch = startEpoch; epoch < o.epochs; epoch++) {
    const order = o.rng.permutation(o.numSamples);
    for (let s = 0; s < stepsPerEpoch; s++) {
      o.signal?.throwIfAborted();
      const batch = order.subarray(s * o.batchSize, Math.min(o.numSamples, (s + 1) * o.batchSize));
      const out = await o.runStep(batch, params);
      if (!Number.isFinite(out.loss)) throw new TrainingDivergedError(epoch, s, globalStep, `loss is ${out.loss}`);
      const bad = out.grads.findIndex((g) => !allFinite(g));
      if (bad >= 0) throw new TrainingDivergedError(epoch, s, globalStep, `gradient of '${names[bad]}' is not finite`);
      const lr = scheduledLr(schedule, epoch, s);
      o.optimizer.step(params, out.grads, lr);
      o.onStep?.({ epoch, stepInEpoch: s, globalStep, batchSize: batch.length, loss: out.loss, accuracy: out.correct / batch.length, lr });
      globalStep++;
    }
    if (o.checkpointPath) {
      const opt = o.optimizer.getState();
      writeCheckpoint(o.checkpointPath, {
        kind: o.kind,
        epoch: epoch + 1,
        globalStep,
        rngState: o.rng.state,
        optimizerStep: opt.step,
        params: Object.fromEntries(names.map((n) => [n, o.params[n]!])),
        optimizerBuffers: opt.buffers,
        config: o.config,
      });
      o.onCheckpoint?.({ epoch: epoch + 1, globalStep, path: o.checkpointPath });
    }
  }
  return { epochsCompleted: o.epochs, globalSteps: globalStep, startedAtEpoch: startEpoch };
}

function allFinite(a: Float32Array): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return false;
  return true;
}

function firstConfigMismatch(saved: Record<string, unknown>, now: Record<string, unknown>): string | undefined {
  const keys = new Set([...Object.keys(saved), ...Object.keys(now)]);
  for (const k of keys) if (JSON.stringify(saved[k]) !== JSON.stringify(now[k])) return k;
  return undefined;
}
