import type { HandlerMap } from './runner';
import { importHandler } from '../pipeline/import/handler';

/** Every job kind this build can run. The job process looks handlers up here by the job row's kind. */
export function jobHandlers(): HandlerMap {
  return new Map([[importHandler.kind, importHandler]]);
}
