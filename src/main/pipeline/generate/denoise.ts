import type { InpaintConditioning } from './inpaint-conditioning';
import type { InpaintModels } from './inpaint-models';
import { createScheduler, timestepsForStrength, type DiffusionScheduler, type SchedulerKind } from './schedulers';
import type { GuidanceConditioning } from './text-conditioning';
import { guidedNoisePrediction } from './unet-guidance';

export interface SamplingOptions {
  /** Inference steps before strength truncation (paper: 20). */
  steps: number;
  /** Fraction of the schedule that is re-run (paper: 0.6 → starts at t=601 with PNDM). */
  strength: number;
  /** Default: the sampler the model folder declares (SD-2-inpainting: PNDM). */
  scheduler?: SchedulerKind;
  /** Classifier-free guidance scale (paper: 8). */
  guidanceScale: number;
}

/** The model calls of one denoising run, decided once per image and replayed for each guidance iteration. */
export interface SamplingPlan {
  scheduler: DiffusionScheduler;
  steps: number;
  timesteps: number[];
  /** ᾱ at the first model call: the noise level of the start latent. */
  startAlphaBar: number;
  guidanceScale: number;
}

export function planSampling(models: InpaintModels, opts: SamplingOptions): SamplingPlan {
  const kind = opts.scheduler ?? models.scheduler.declaredKind ?? 'pndm';
  const scheduler = createScheduler(kind, models.scheduler.config);
  scheduler.setTimesteps(opts.steps);
  const timesteps = timestepsForStrength(scheduler, opts.steps, opts.strength);
  return { scheduler, steps: opts.steps, timesteps, startAlphaBar: scheduler.alphasCumprod[timesteps[0]!]!, guidanceScale: opts.guidanceScale };
}

/** Runs every planned model call from `start` (the noisy latent at the first timestep) and returns z0. */
export async function denoise(
  models: InpaintModels,
  plan: SamplingPlan,
  start: Float32Array,
  text: GuidanceConditioning,
  inpaint: InpaintConditioning,
): Promise<Float32Array> {
  // Re-setting the timesteps clears the multistep history left by the previous run.
  plan.scheduler.setTimesteps(plan.steps);
  let latent = start;
  for (const t of plan.timesteps) {
    const eps = await guidedNoisePrediction(models, latent, t, text, inpaint, plan.guidanceScale);
    latent = plan.scheduler.step(eps, t, latent);
  }
  return latent;
}
