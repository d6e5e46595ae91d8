import { alphasCumprod, type SchedulerConfig } from './noise-schedule';
import type { DiffusionScheduler } from './types';

/**
 * diffusers' DDIMScheduler with eta = 0 (deterministic), "leading" spacing, no sample clipping — offered
 * as an alternative to PNDM. Memoryless, so img2img truncation has none of PNDM's counter quirks.
 */
export class DdimScheduler implements DiffusionScheduler {
  readonly kind = 'ddim' as const;
  readonly order = 1;
  readonly alphasCumprod: Float64Array;
  private readonly finalAlphaCumprod: number;
  private numInferenceSteps = 0;
  private steps: number[] = [];

  constructor(private readonly config: SchedulerConfig) {
    this.alphasCumprod = alphasCumprod(config);
    this.finalAlphaCumprod = config.setAlphaToOne ? 1 : this.alphasCumprod[0]!;
  }

  get timesteps(): readonly number[] {
    return this.steps;
  }

  setTimesteps(numInferenceSteps: number): void {
    if (!Number.isInteger(numInferenceSteps) || numInferenceSteps < 1 || numInferenceSteps > this.config.numTrainTimesteps) {
      throw new Error(`DDIM needs an integer step count in 1..${this.config.numTrainTimesteps}, got ${numInferenceSteps}`);
    }
    this.numInferenceSteps = numInferenceSteps;
    const stepRatio = Math.floor(this.config.numTrainTimesteps / numInferenceSteps);
    this.steps = Array.from({ length: numInferenceSteps }, (_, i) => Math.round(i * stepRatio) + this.config.stepsOffset).reverse();
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array): Float32Array {
    if (this.numInferenceSteps === 0) throw new Error('DDIM: call setTimesteps before step');
    const prevTimestep = timestep - Math.floor(this.config.numTrainTimesteps / this.numInferenceSteps);
    const aT = this.alphasCumprod[timestep]!;
    const aPrev = prevTimestep >= 0 ? this.alphasCumprod[prevTimestep]! : this.finalAlphaCumprod;
    const sa = Math.sqrt(aT);
    const sb = Math.sqrt(1 - aT);
    const v = this.config.predictionType === 'v_prediction';
    const out = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      const x = sample[i]!;
      const m = modelOutput[i]!;
      // DDIM eq. (12) with sigma = 0: predicted x0, then the direction pointing to x_t.
      const x0 = v ? sa * x - sb * m : (x - sb * m) / sa;
      const eps = v ? sa * m + sb * x : m;
      out[i] = Math.sqrt(aPrev) * x0 + Math.sqrt(1 - aPrev) * eps;
    }
    return out;
  }
}
