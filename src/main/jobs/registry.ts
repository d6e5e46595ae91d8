import type { HandlerMap } from './runner';
import type { JobHandler } from './handler';
import { importHandler } from '../pipeline/import/handler';
import { describeHandler } from '../pipeline/describe/job';
import { generateHandler } from '../pipeline/generate/job';
import { mineLabelsHandler } from '../pipeline/mine-labels/job';
import { assignLabelsHandler } from '../pipeline/assign/job';
import { trainProjectionHandler } from '../pipeline/train/job-projection';
import { trainLabelsHandler } from '../pipeline/train/job-labels';
import { evaluateRunHandler } from '../pipeline/evaluate/job';

/** Every job kind this build can run. The job process looks handlers up here by the job row's kind. */
export function jobHandlers(): HandlerMap {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- replaced by the job contracts (jobs branch)
  return new Map<string, JobHandler<any, any>>([
    [importHandler.kind, importHandler],
    [describeHandler.kind, describeHandler],
    [generateHandler.kind, generateHandler],
    [mineLabelsHandler.kind, mineLabelsHandler],
    [assignLabelsHandler.kind, assignLabelsHandler],
    [trainProjectionHandler.kind, trainProjectionHandler],
    [trainLabelsHandler.kind, trainLabelsHandler],
    [evaluateRunHandler.kind, evaluateRunHandler],
  ]);
}
