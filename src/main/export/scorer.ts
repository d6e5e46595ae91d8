import { exportRunScorer } from '../pipeline/evaluate/job-export';
import type { RequestedSwitches } from '../pipeline/evaluate/job-tuned';
import { publishFile } from './atomic-file';

/**
 * scorer.onnx for a run, published atomically: the model is written to a temporary sibling and renamed, so a
 * failed or interrupted export never leaves a truncated .onnx that would load as garbage.
 */
export async function exportScorer(projectDir: string, runId: number, file: string, opts: { switches?: RequestedSwitches; force?: boolean } = {}): Promise<{ file: string; used: Record<string, unknown> }> {
  let used: Record<string, unknown> = {};
  await publishFile(file, !!opts.force, async (tmp) => {
    used = (await exportRunScorer(projectDir, runId, tmp, opts.switches)).used;
  });
  return { file, used };
}
