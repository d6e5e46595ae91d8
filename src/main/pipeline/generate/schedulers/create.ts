import { DdimScheduler } from './ddim';
import type { SchedulerConfig } from './noise-schedule';
import { PndmScheduler } from './pndm';
import type { DiffusionScheduler, SchedulerKind } from './types';

export function createScheduler(kind: SchedulerKind, config: SchedulerConfig): DiffusionScheduler {
  return kind === 'pndm' ? new PndmScheduler(config) : new DdimScheduler(config);
}
