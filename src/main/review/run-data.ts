import type { RunOrigin } from '../../shared/api/routes/review';
import type { OpenProject } from '../project/project';
import { BundleError } from './bundle-format';
import { collectNativeRun } from './collect';
import { foreignBundle, foreignOrigin, foreignRunSamples } from './foreign';
import type { RunRecord } from './record';
import { nativeRunSamples, type RunSamples } from './samples';

/** Per-sample scores of any run: from the evaluation's score files, or from a foreign run's bundle. */
export function runSamplesOf(project: OpenProject, runId: number): RunSamples {
  try {
    return foreignRunSamples(project, runId) ?? nativeRunSamples(project, runId);
  } catch (e) {
    if (!(e instanceof BundleError)) throw e;
    return { runId, sets: new Map(), missing: new Map([['*', e.message]]) };
  }
}

export interface LoadedRun {
  runId: number;
  record: RunRecord;
  samples: RunSamples;
  thumbs: Map<string, { bytes: Buffer; mime: string }>;
  origin: RunOrigin | null;
}

/** Everything the report shows about one run, the same for own and foreign runs. */
export async function loadRun(project: OpenProject, runId: number): Promise<LoadedRun> {
  const foreign = foreignBundle(project, runId);
  if (foreign) {
    const thumbs = new Map<string, { bytes: Buffer; mime: string }>();
    for (const s of foreign.record.samples) if (s.thumb) thumbs.set(s.thumb, { bytes: foreign.read.section(s.thumb), mime: s.mime ?? 'image/jpeg' });
    return { runId, record: foreign.record, samples: runSamplesOf(project, runId), thumbs, origin: foreignOrigin(project.db, runId) };
  }
  const c = await collectNativeRun(project, runId);
  return { runId, record: c.record, samples: c.samples, thumbs: c.thumbs, origin: null };
}
