export { addNoise } from './add-noise';
export { createScheduler } from './create';
export { DdimScheduler } from './ddim';
export { alphasCumprod, betas, SD2_INPAINT_SCHEDULER, type SchedulerConfig } from './noise-schedule';
export { PndmScheduler } from './pndm';
export { readSchedulerConfig, type ReadSchedulerConfig } from './read-config';
export { timestepsForStrength } from './strength';
export type { DiffusionScheduler, SchedulerKind } from './types';
