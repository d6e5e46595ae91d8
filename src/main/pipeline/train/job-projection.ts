import { trainProjectionJob } from '../../../shared/jobs';
import { loadProjectionData } from './job-data';
import { granularity } from './cosine-schedule';
import { trainingJobHandler, type StageConfig } from './job-handler';
import type { JobHandler } from '../../jobs/handler';
import { writeProjectionFile } from './job-weights';
import { trainProjection, type ProjectionTrainingData } from './projection-trainer';

/** 'train.projection' (docs/METHOD.md §6): the residual projection after the frozen image encoder. */
export const trainProjectionHandler: JobHandler<typeof trainProjectionJob.kind> = trainingJobHandler<typeof trainProjectionJob.kind, StageConfig<typeof trainProjectionJob.kind>, ProjectionTrainingData>({
  kind: trainProjectionJob.kind,
  load: loadProjectionData,
  numSamples: (d) => d.targets.length,
  train: (data, c, seed, hooks) => trainProjection(data, { epochs: c.epochs, batchSize: c.batchSize, lr: c.lr, etaMin: c.minLr, weightDecay: c.weightDecay, schedule: granularity(c.lrSchedule), seed, ...hooks }),
  writeOutput(files, params, loaded) {
    const dim = loaded.data.dim;
    writeProjectionFile(files.projection, { dim, weight: params.proj_weight!, bias: params.proj_bias!, lnWeight: params.ln_weight!, lnBias: params.ln_bias! });
    return files.projection;
  },
});
