import { env } from '@huggingface/transformers';
import { resolve } from 'node:path';

/**
 * transformers.js may only read the folders this studio hands it: no hub downloads. An absolute path is
 * not a valid hub id, so transformers.js reads it as-is instead of joining it to `env.localModelPath`.
 */
export function offlineModelPath(dir: string): string {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  return resolve(dir);
}
