/**
 * torch.optim.lr_scheduler.CosineAnnealingLR in closed form (its `_get_closed_form_lr`):
 * lr(t) = eta_min + (base − eta_min)·(1 + cos(π·t / T)) / 2, for t = 0..T−1.
 *
 * Granularity: the paper says "cosine to eta_min over N epochs" without saying how often
 * the scheduler steps. 'step' (default) anneals once per optimizer step with T = epochs·stepsPerEpoch, so the
 * last steps really reach ≈ eta_min; 'epoch' is the common `scheduler.step()` at the end of each epoch with
 * T = epochs (the lr is then constant within an epoch and never gets near eta_min in 3 epochs).
 */
export type ScheduleGranularity = 'step' | 'epoch';

export interface CosineSchedule {
  baseLr: number;
  etaMin: number;
  granularity: ScheduleGranularity;
  epochs: number;
  stepsPerEpoch: number;
}

export function cosineAnnealingLr(baseLr: number, etaMin: number, t: number, tMax: number): number {
  return etaMin + ((baseLr - etaMin) * (1 + Math.cos((Math.PI * t) / tMax))) / 2;
}

/** The lr used by the optimizer step at (epoch, stepInEpoch), both 0-based. */
export function scheduledLr(s: CosineSchedule, epoch: number, stepInEpoch: number): number {
  if (s.granularity === 'epoch') return cosineAnnealingLr(s.baseLr, s.etaMin, epoch, s.epochs);
  return cosineAnnealingLr(s.baseLr, s.etaMin, epoch * s.stepsPerEpoch + stepInEpoch, s.epochs * s.stepsPerEpoch);
}

/** The API's `lrSchedule` as the trainers' granularity. */
export function granularity(schedule: 'per-step' | 'per-epoch'): ScheduleGranularity {
  return schedule === 'per-epoch' ? 'epoch' : 'step';
}
