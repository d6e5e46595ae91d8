import { existsSync } from 'node:fs';
import type { Db } from '../../store/db';
import { completedRunIdsLatestFirst, getRun } from '../../store/runs';
import { runFiles } from '../train/job-paths';
import { readLabelFeaturesFile, readProjectionFile } from '../train/job-weights';
import type { ScoreSwitches } from './scoring-switches';
import type { TunedModel } from './tuned-model';

export interface RequestedSwitches {
  projection: boolean;
  tunedLabels: boolean;
}

export interface ResolvedTuning {
  tuned: TunedModel;
  switches: ScoreSwitches;
  /** Exactly what was used and where it came from, for evaluations.switches_json. */
  record: Record<string, unknown>;
}

interface RunRow {
  id: number;
  kind: string;
  status: string;
}

/** The run's own weights file when it is of that kind, else the newest completed run of that kind that has one. */
function sourceRun(db: Db, runsDir: string, run: RunRow, kind: 'projection' | 'labels', file: (f: ReturnType<typeof runFiles>) => string): { runId: number; file: string } | { missing: string } {
  if (run.kind === kind) {
    const own = file(runFiles(runsDir, run.id));
    if (run.status !== 'completed' || !existsSync(own)) throw new Error(`run ${run.id} has no trained ${kind === 'projection' ? 'projection' : 'label features'} yet (status ${run.status}): train it to completion first`);
    return { runId: run.id, file: own };
  }
  const ids = completedRunIdsLatestFirst(db, kind);
  for (const id of ids) {
    const f = file(runFiles(runsDir, id));
    if (existsSync(f)) return { runId: id, file: f };
  }
  return { missing: `no completed ${kind} run to take ${kind === 'projection' ? 'a projection' : 'tuned label features'} from` };
}

/**
 * docs/METHOD.md §8: which trained parts a score uses. A projection run supplies its projection and, when asked, the
 * newest completed labels run's tuned features; a labels run the other way round; the zero-shot run neither.
 * Tuned labels no longer among the selected negatives (re-mined since) are left out and counted.
 */
export function resolveTuning(db: Db, runsDir: string, runId: number, requested: RequestedSwitches, negativeIds: number[], dim: number): ResolvedTuning {
  const run: RunRow | undefined = getRun(db, runId);
  if (!run) throw new Error(`run ${runId} does not exist`);
  const want = run.kind === 'zero-shot' ? { projection: false, tunedLabels: false } : requested;
  const tuned: TunedModel = {};
  const record: Record<string, unknown> = { requested: { ...requested }, runKind: run.kind, projectionRunId: null, tunedLabelsRunId: null };
  const notes: string[] = [];
  if (want.projection) {
    const src = sourceRun(db, runsDir, run, 'projection', (f) => f.projection);
    if ('missing' in src) notes.push(src.missing);
    else {
      tuned.projection = readProjectionFile(src.file);
      if (tuned.projection.dim !== dim) throw new Error(`run ${src.runId}'s projection is ${tuned.projection.dim}-d but the CLIP features are ${dim}-d`);
      record.projectionRunId = src.runId;
    }
  }
  if (want.tunedLabels) {
    const src = sourceRun(db, runsDir, run, 'labels', (f) => f.labelFeatures);
    if ('missing' in src) notes.push(src.missing);
    else {
      const t = readLabelFeaturesFile(src.file);
      if (t.dim !== dim) throw new Error(`run ${src.runId}'s label features are ${t.dim}-d but the CLIP features are ${dim}-d`);
      const row = new Map(negativeIds.map((id, i) => [id, i]));
      const keep = t.labelIds.map((id, i) => ({ at: row.get(id), i })).filter((k): k is { at: number; i: number } => k.at !== undefined);
      const features = new Float32Array(keep.length * dim);
      keep.forEach((k, j) => features.set(t.features.subarray(k.i * dim, (k.i + 1) * dim), j * dim));
      tuned.tunedLabels = { indices: keep.map((k) => k.at), features };
      record.tunedLabelsRunId = src.runId;
      record.tunedLabelsApplied = keep.length;
      record.tunedLabelsNotSelected = t.labelIds.length - keep.length;
    }
  }
  const switches: ScoreSwitches = { useProjection: tuned.projection !== undefined, useTunedLabels: tuned.tunedLabels !== undefined };
  Object.assign(record, { projection: switches.useProjection, tunedLabels: switches.useTunedLabels }, notes.length ? { notes } : {});
  return { tuned, switches, record };
}
