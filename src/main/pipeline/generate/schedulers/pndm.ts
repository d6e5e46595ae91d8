import { alphasCumprod, type SchedulerConfig } from './noise-schedule';
import type { DiffusionScheduler } from './types';

/**
 * diffusers' PNDMScheduler with `skip_prk_steps: true` (pure PLMS), "leading" timestep spacing — the
 * scheduler stable-diffusion-2-inpainting ships with. Reproduced step for step, quirks included:
 * - the timestep list repeats `_timesteps[-2]` (the second-highest) so the second model call (counter == 1)
 *   re-evaluates the FIRST interval from its start sample with the average of two noise predictions;
 * - with img2img truncation the repeated entry is cut off, so the counter==1 call is made at the next
 *   listed timestep and every later call is one interval "late" relative to its sample — as in diffusers.
 */
export class PndmScheduler implements DiffusionScheduler {
  readonly kind = 'pndm' as const;
  readonly order = 1;
  readonly alphasCumprod: Float64Array;
  private readonly finalAlphaCumprod: number;
  private numInferenceSteps = 0;
  private plmsTimesteps: number[] = [];
  /** Noise predictions of the last (up to 4) steps, newest last. */
  private ets: Float32Array[] = [];
  private counter = 0;
  private curSample: Float32Array | null = null;

  constructor(private readonly config: SchedulerConfig) {
    this.alphasCumprod = alphasCumprod(config);
    this.finalAlphaCumprod = config.setAlphaToOne ? 1 : this.alphasCumprod[0]!;
  }

  get timesteps(): readonly number[] {
    return this.plmsTimesteps;
  }

  setTimesteps(numInferenceSteps: number): void {
    if (!Number.isInteger(numInferenceSteps) || numInferenceSteps < 2 || numInferenceSteps > this.config.numTrainTimesteps) {
      throw new Error(`PNDM needs an integer step count in 2..${this.config.numTrainTimesteps}, got ${numInferenceSteps}`);
    }
    this.numInferenceSteps = numInferenceSteps;
    const stepRatio = Math.floor(this.config.numTrainTimesteps / numInferenceSteps);
    const base = Array.from({ length: numInferenceSteps }, (_, i) => Math.round(i * stepRatio) + this.config.stepsOffset);
    // concat([_timesteps[:-1], _timesteps[-2:-1], _timesteps[-1:]])[::-1]
    this.plmsTimesteps = [...base.slice(0, -1), base[base.length - 2]!, base[base.length - 1]!].reverse();
    this.ets = [];
    this.counter = 0;
    this.curSample = null;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array): Float32Array {
    if (this.numInferenceSteps === 0) throw new Error('PNDM: call setTimesteps before step');
    const stride = Math.floor(this.config.numTrainTimesteps / this.numInferenceSteps);
    let prevTimestep = timestep - stride;
    if (this.counter !== 1) {
      this.ets = this.ets.slice(-3);
      this.ets.push(modelOutput);
    } else {
      prevTimestep = timestep;
      timestep = timestep + stride;
    }

    let eps: Float32Array;
    let from = sample;
    const e = this.ets;
    const n = e.length;
    if (n === 1 && this.counter === 0) {
      eps = modelOutput;
      this.curSample = sample;
    } else if (n === 1 && this.counter === 1) {
      eps = combine([modelOutput, e[0]!], [0.5, 0.5]);
      from = this.curSample!;
      this.curSample = null;
    } else if (n === 2) {
      eps = combine([e[1]!, e[0]!], [3 / 2, -1 / 2]);
    } else if (n === 3) {
      eps = combine([e[2]!, e[1]!, e[0]!], [23 / 12, -16 / 12, 5 / 12]);
    } else {
      eps = combine([e[3]!, e[2]!, e[1]!, e[0]!], [55 / 24, -59 / 24, 37 / 24, -9 / 24]);
    }

    const prev = this.prevSample(from, timestep, prevTimestep, eps);
    this.counter += 1;
    return prev;
  }

  /** PNDM paper eq. (9), as diffusers' `_get_prev_sample`. */
  private prevSample(sample: Float32Array, timestep: number, prevTimestep: number, modelOutput: Float32Array): Float32Array {
    const aT = this.alphasCumprod[timestep]!;
    const aPrev = prevTimestep >= 0 ? this.alphasCumprod[prevTimestep]! : this.finalAlphaCumprod;
    const bT = 1 - aT;
    const bPrev = 1 - aPrev;
    const v = this.config.predictionType === 'v_prediction';
    const sampleCoeff = Math.sqrt(aPrev / aT);
    const denom = aT * Math.sqrt(bPrev) + Math.sqrt(aT * bT * aPrev);
    const k = (aPrev - aT) / denom;
    const out = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      const eps = v ? Math.sqrt(aT) * modelOutput[i]! + Math.sqrt(bT) * sample[i]! : modelOutput[i]!;
      out[i] = sampleCoeff * sample[i]! - k * eps;
    }
    return out;
  }
}

/** Linear multistep combination, accumulated in float64 so the PLMS weights do not round per term. */
function combine(arrays: Float32Array[], weights: number[]): Float32Array {
  const n = arrays[0]!.length;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let j = 0; j < arrays.length; j++) acc += weights[j]! * arrays[j]![i]!;
    out[i] = acc;
  }
  return out;
}
