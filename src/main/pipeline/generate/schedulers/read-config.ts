import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SchedulerConfig } from './noise-schedule';
import type { SchedulerKind } from './types';

/** The keys of a diffusers `scheduler_config.json` this studio honours; anything else must keep its default. */
const DiffusersSchedulerJson = z.object({
  _class_name: z.string().optional(),
  num_train_timesteps: z.number().int().positive().default(1000),
  beta_start: z.number().positive().default(0.0001),
  beta_end: z.number().positive().default(0.02),
  beta_schedule: z.enum(['scaled_linear', 'linear']).default('linear'),
  trained_betas: z.null().optional(),
  steps_offset: z.number().int().nonnegative().default(0),
  set_alpha_to_one: z.boolean().default(true),
  prediction_type: z.enum(['epsilon', 'v_prediction']).default('epsilon'),
  timestep_spacing: z.literal('leading').optional(),
  clip_sample: z.literal(false).optional(),
});

export interface ReadSchedulerConfig {
  config: SchedulerConfig;
  /** The sampler the model folder names, when it is one this studio implements. */
  declaredKind: SchedulerKind | null;
}

export function readSchedulerConfig(file: string): ReadSchedulerConfig {
  const parsed = DiffusersSchedulerJson.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new Error(`${file}: unsupported scheduler configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const j = parsed.data;
  const declaredKind = j._class_name === 'PNDMScheduler' ? 'pndm' : j._class_name === 'DDIMScheduler' ? 'ddim' : null;
  return {
    config: {
      numTrainTimesteps: j.num_train_timesteps,
      betaStart: j.beta_start,
      betaEnd: j.beta_end,
      betaSchedule: j.beta_schedule,
      stepsOffset: j.steps_offset,
      setAlphaToOne: j.set_alpha_to_one,
      predictionType: j.prediction_type,
    },
    declaredKind,
  };
}
