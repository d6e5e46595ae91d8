/**
 * The training noise schedule shared by the PNDM and DDIM samplers (diffusers' `scaled_linear` and `linear`).
 * Computed in float64: diffusers computes in float32, which differs by ~1e-7 relative per step and
 * ~1e-5 in the cumulative product at t=999 — far below anything visible in a decoded image.
 */
export interface SchedulerConfig {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: 'scaled_linear' | 'linear';
  /** Added to every inference timestep ("leading" spacing); SD-2 uses 1. */
  stepsOffset: number;
  /** false: the step past t=0 uses ᾱ_0 instead of 1 (SD-2's setting). */
  setAlphaToOne: boolean;
  predictionType: 'epsilon' | 'v_prediction';
}

/** stabilityai/stable-diffusion-2-inpainting's scheduler/scheduler_config.json. */
export const SD2_INPAINT_SCHEDULER: SchedulerConfig = {
  numTrainTimesteps: 1000,
  betaStart: 0.00085,
  betaEnd: 0.012,
  betaSchedule: 'scaled_linear',
  stepsOffset: 1,
  setAlphaToOne: false,
  predictionType: 'epsilon',
};

export function betas(config: SchedulerConfig): Float64Array {
  const n = config.numTrainTimesteps;
  const out = new Float64Array(n);
  // scaled_linear is linear in sqrt(beta), then squared (the LDM schedule).
  const scaled = config.betaSchedule === 'scaled_linear';
  const a = scaled ? Math.sqrt(config.betaStart) : config.betaStart;
  const b = scaled ? Math.sqrt(config.betaEnd) : config.betaEnd;
  for (let i = 0; i < n; i++) {
    const v = n === 1 ? a : a + ((b - a) * i) / (n - 1);
    out[i] = scaled ? v * v : v;
  }
  return out;
}

export function alphasCumprod(config: SchedulerConfig): Float64Array {
  const beta = betas(config);
  const out = new Float64Array(beta.length);
  let prod = 1;
  for (let i = 0; i < beta.length; i++) {
    prod *= 1 - beta[i]!;
    out[i] = prod;
  }
  return out;
}
