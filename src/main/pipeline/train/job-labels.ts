import { trainLabelsJob } from '../../../shared/jobs';
import { loadLabelFeaturesData } from './job-data';
import { granularity } from './cosine-schedule';
import { trainingJobHandler, type StageConfig } from './job-handler';
import type { JobHandler } from '../../jobs/handler';
import { writeLabelFeaturesFile } from './job-weights';
import { trainLabelFeatures, type LabelFeaturesTrainingData } from './label-features-trainer';

/** 'train.labels' (docs/METHOD.md §7): the M' assigned labels' text features, learnable; no projection. */
export const trainLabelsHandler: JobHandler<typeof trainLabelsJob.kind> = trainingJobHandler<typeof trainLabelsJob.kind, StageConfig<typeof trainLabelsJob.kind>, LabelFeaturesTrainingData>({
  kind: trainLabelsJob.kind,
  load: loadLabelFeaturesData,
  numSamples: (d) => d.targets.length,
  train: (data, c, seed, hooks) => trainLabelFeatures(data, { epochs: c.epochs, batchSize: c.batchSize, lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay, schedule: granularity(c.lrSchedule), seed, ...hooks }),
  writeOutput(files, params, loaded) {
    writeLabelFeaturesFile(files.labelFeatures, { dim: loaded.data.dim, labelIds: loaded.labelIds, features: params.label_features! });
    return files.labelFeatures;
  },
});
