import type { JobHandlers } from '../jobs/runner';
import { datasetImportJob, describeImagesJob, evaluateRunJob, generateCandidatesJob, labelsAssignJob, labelsMineJob, trainLabelsJob, trainProjectionJob } from '../../shared/jobs';
import { importHandler } from '../pipeline/import/handler';
import { describeHandler } from '../pipeline/describe/job';
import { generateHandler } from '../pipeline/generate/job';
import { mineLabelsHandler } from '../pipeline/mine-labels/job';
import { assignLabelsHandler } from '../pipeline/assign/job';
import { trainProjectionHandler } from '../pipeline/train/job-projection';
import { trainLabelsHandler } from '../pipeline/train/job-labels';
import { evaluateRunHandler } from '../pipeline/evaluate/job';

/**
 * Every job kind this build can run, composed from the pipeline stages. Only the job process imports this (the
 * API process queues jobs through the contracts in src/shared/jobs and never loads a stage's handler); the type
 * makes it name a handler for every contract, and the right one.
 */
export function jobHandlers(): JobHandlers {
  return {
    [datasetImportJob.kind]: importHandler,
    [describeImagesJob.kind]: describeHandler,
    [generateCandidatesJob.kind]: generateHandler,
    [labelsMineJob.kind]: mineLabelsHandler,
    [labelsAssignJob.kind]: assignLabelsHandler,
    [trainProjectionJob.kind]: trainProjectionHandler,
    [trainLabelsJob.kind]: trainLabelsHandler,
    [evaluateRunJob.kind]: evaluateRunHandler,
  };
}
