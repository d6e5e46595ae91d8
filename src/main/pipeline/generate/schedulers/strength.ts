import type { DiffusionScheduler } from './types';

/**
 * diffusers' img2img/inpaint `get_timesteps`: strength s keeps the last int(steps·s) inference steps.
 * The scheduler's `setTimesteps(steps)` must have been called.
 */
export function timestepsForStrength(scheduler: DiffusionScheduler, numInferenceSteps: number, strength: number): number[] {
  if (!(strength > 0 && strength <= 1)) throw new Error(`strength must be in (0, 1], got ${strength}`);
  const initTimestep = Math.min(Math.trunc(numInferenceSteps * strength), numInferenceSteps);
  // diffusers refuses this too ("the number of pipeline steps is 0 ... not appropriate").
  if (initTimestep < 1) throw new Error(`strength ${strength} with ${numInferenceSteps} steps leaves no denoising step`);
  const tStart = Math.max(numInferenceSteps - initTimestep, 0);
  return scheduler.timesteps.slice(tStart * scheduler.order);
}
