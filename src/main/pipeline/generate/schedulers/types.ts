/**
 * A diffusion sampler as the inpainting loop drives it: `setTimesteps` once per image (it also resets any
 * multistep history), then `step` once per model call, in the order of `timesteps`.
 */
export interface DiffusionScheduler {
  readonly kind: SchedulerKind;
  /** How many entries of `timesteps` one inference step spans (diffusers' `scheduler.order`); 1 for PNDM with skipped PRK steps and for DDIM. */
  readonly order: number;
  readonly alphasCumprod: Float64Array;
  /** The model-call timesteps of the last `setTimesteps`, in calling order (descending). */
  readonly timesteps: readonly number[];
  setTimesteps(numInferenceSteps: number): void;
  /** One sampler update: the latent after this model call. `modelOutput` is the guided noise prediction. */
  step(modelOutput: Float32Array, timestep: number, sample: Float32Array): Float32Array;
}

export type SchedulerKind = 'pndm' | 'ddim';
