import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../files/atomic';
import { ItemError } from '../../jobs/handler';
import { readCheckpoint } from './checkpoint';
import type { EpochCheckpointInfo, StepMetrics } from './training-loop';

/** What a trainer call needs from the epoch runner: resume from the run's checkpoint, report steps, stop on abort. */
export interface EpochHooks {
  checkpointPath: string;
  resume: true;
  onStep(m: StepMetrics): void;
  onCheckpoint(info: EpochCheckpointInfo): void;
  signal: AbortSignal;
}

export interface EpochFiles {
  checkpoint: string;
  epochMetrics(epoch: number): string;
}

/** Epochs finished according to the checkpoint (0 when there is none yet). */
export function checkpointEpoch(file: string): number {
  return existsSync(file) ? readCheckpoint(file).epoch : 0;
}

/**
 * Trains exactly epoch `epoch` (1-based) of a run: the trainer resumes from the run's checkpoint and is aborted
 * as soon as that epoch's checkpoint is written, so each job item is one epoch and a killed job redoes at most
 * the epoch it was in. The epoch's step metrics are saved before its checkpoint; if the process died between
 * the checkpoint and the item's commit, the epoch is not trained again: its saved metrics are returned.
 */
export async function trainOneEpoch(epoch: number, stepsPerEpoch: number, files: EpochFiles, outer: AbortSignal, train: (hooks: EpochHooks) => Promise<unknown>): Promise<StepMetrics[]> {
  const done = checkpointEpoch(files.checkpoint);
  if (done >= epoch) {
    const saved = files.epochMetrics(epoch);
    if (!existsSync(saved)) throw new Error(`epoch ${epoch} is in the checkpoint but its metrics file ${saved} is missing`);
    return JSON.parse(readFileSync(saved, 'utf8')) as StepMetrics[];
  }
  if (done < epoch - 1) throw new ItemError(`epoch ${done + 1} has not finished, so epoch ${epoch} cannot start: resume the run to redo it`);
  const steps: StepMetrics[] = [];
  const stop = new AbortController();
  const signal = AbortSignal.any([outer, stop.signal]);
  try {
    await train({
      checkpointPath: files.checkpoint,
      resume: true,
      signal,
      onStep: (m) => {
        steps.push(m);
        if (m.stepInEpoch === stepsPerEpoch - 1) writeFileAtomic(files.epochMetrics(epoch), JSON.stringify(steps));
      },
      onCheckpoint: () => stop.abort(),
    });
  } catch (e) {
    // The abort that ends the epoch surfaces as the next epoch's first step refusing to run.
    if (!(stop.signal.aborted && e === stop.signal.reason)) throw e;
  }
  if (steps.length !== stepsPerEpoch || steps.some((s) => s.epoch !== epoch - 1)) {
    throw new Error(`epoch ${epoch} ran ${steps.length} steps of epochs ${[...new Set(steps.map((s) => s.epoch + 1))].join(', ')}; expected ${stepsPerEpoch} steps of epoch ${epoch}`);
  }
  return steps;
}
