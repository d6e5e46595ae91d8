import { LabelsConfig } from '../api/routes/runs';
import { defineJob, NoItemResult } from './contract';
import { EpochItem, trainParams, trainProjectionJob } from './train-projection';

/** 'train.labels' (docs/METHOD.md §7): the M' assigned labels' text features. */
export const trainLabelsJob = defineJob({
  kind: 'train.labels',
  params: trainParams(LabelsConfig),
  payload: EpochItem,
  result: NoItemResult,
  touches: 'runs',
  refreshes: ['runs'],
});

/** The training job kind of a run's stage. */
export function trainJobKind(stage: 'projection' | 'labels'): typeof trainProjectionJob.kind | typeof trainLabelsJob.kind {
  return stage === 'projection' ? trainProjectionJob.kind : trainLabelsJob.kind;
}
