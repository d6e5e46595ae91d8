import fs from 'node:fs';
import path from 'node:path';
import type { EvaluationRow } from '../../shared/api/routes/evaluations';
import type { Db } from '../store/db';
import type { OpenProject } from '../project/project';
import { latestEvaluations } from '../services/evaluation-rows';
import { datasetIdByName } from '../store/datasets';
import { usableHashesOfDataset } from '../store/images';

/**
 * Per-sample scores of a run's newest evaluation per OOD set, with the identity of every sample, so that intervals
 * can be drawn and two runs paired sample by sample.
 *
 * Where they come from: the evaluate job writes every score beside the run (runs/<id>/evaluations/
 * job-<job>-ood-<dataset>.json: { ind, ood, switches }), InD in the order of the InD test images (datasets named in
 * switches.indDatasets, each by image id, skipped images left out), OOD in the order of the OOD set's images. The
 * evaluation row does not name its job, so the newest file for the set whose lengths match the row is taken.
 *
 * Sample identity (the key used to pair two runs) is the image's content hash (images.sha256), which is the same in
 * any project that imported the same file. An image without a hash is keyed "image:<id>", which pairs only within
 * its own project (an imported bundle prefixes such keys with its own hash, so they never pair across projects).
 * When the dataset changed since the evaluation (its image count no longer matches), the keys are unknown: the run
 * still gets intervals, but no paired test.
 */
export interface SetSamples {
  oodName: string;
  evaluationId: number | null;
  ind: Float64Array;
  ood: Float64Array;
  indKeys: string[] | null;
  oodKeys: string[] | null;
  /** Why the keys are missing, when they are. */
  keysNote: string | null;
}

export interface RunSamples {
  runId: number;
  /** Per OOD set name; a set without stored scores is absent and named in `missing`. */
  sets: Map<string, SetSamples>;
  missing: Map<string, string>;
}

interface ScoreFile {
  ind: number[];
  ood: number[];
}

const SCORE_FILE = /^job-(\d+)-ood-(\d+)\.json$/;

function imageKeys(db: Db, datasetIds: number[]): string[] {
  return datasetIds.flatMap((d) => usableHashesOfDataset(db, d).map((r) => r.sha256 ?? `image:${r.id}`));
}

function indDatasetIds(db: Db, e: EvaluationRow): number[] | null {
  const names = e.switches.indDatasets;
  if (Array.isArray(names) && names.every((n) => typeof n === 'string')) {
    const ids = (names as string[]).map((n) => datasetIdByName(db, n, 'ind-test'));
    return ids.every((i) => i !== undefined) ? ids : null;
  }
  return null;
}

function readScoreFile(file: string): ScoreFile | null {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<ScoreFile>;
    if (!Array.isArray(v.ind) || !Array.isArray(v.ood)) return null;
    return v as ScoreFile;
  } catch {
    return null;
  }
}

/** The newest score file of one evaluation row (matched by OOD dataset and sizes). */
export function scoreFileOf(runsDir: string, e: EvaluationRow): { file: string; scores: ScoreFile } | null {
  if (e.oodDatasetId === null) return null;
  const dir = path.join(runsDir, String(e.runId), 'evaluations');
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return null;
  }
  const candidates = names
    .map((n) => ({ n, m: SCORE_FILE.exec(n) }))
    .filter((c) => c.m && Number(c.m[2]) === e.oodDatasetId)
    .sort((a, b) => Number(b.m![1]) - Number(a.m![1]));
  for (const c of candidates) {
    const scores = readScoreFile(path.join(dir, c.n));
    if (scores && scores.ind.length === e.nInd && scores.ood.length === e.nOod) return { file: path.join(dir, c.n), scores };
  }
  return null;
}

/** Scores and sample keys of a run evaluated in this project. */
export function nativeRunSamples(project: OpenProject, runId: number): RunSamples {
  const { db, paths } = project;
  const out: RunSamples = { runId, sets: new Map(), missing: new Map() };
  for (const e of latestEvaluations(db, runId)) {
    const found = scoreFileOf(paths.runs, e);
    if (!found) {
      out.missing.set(e.oodName, 'no per-sample scores stored for this evaluation');
      continue;
    }
    const indIds = indDatasetIds(db, e);
    let indKeys: string[] | null = indIds ? imageKeys(db, indIds) : null;
    let oodKeys: string[] | null = e.oodDatasetId !== null ? imageKeys(db, [e.oodDatasetId]) : null;
    let keysNote: string | null = null;
    if (!indKeys || indKeys.length !== found.scores.ind.length) {
      indKeys = null;
      keysNote = 'the InD test set changed since this evaluation: its samples cannot be matched';
    }
    if (!oodKeys || oodKeys.length !== found.scores.ood.length) {
      oodKeys = null;
      keysNote = `the OOD set '${e.oodName}' changed since this evaluation: its samples cannot be matched`;
    }
    out.sets.set(e.oodName, {
      oodName: e.oodName,
      evaluationId: e.id,
      ind: Float64Array.from(found.scores.ind),
      ood: Float64Array.from(found.scores.ood),
      indKeys,
      oodKeys,
      keysNote,
    });
  }
  return out;
}

/**
 * For each index i of `a`, the index in `b` of the same sample; null when the two lists are not the same multiset.
 * Repeated keys (the same image twice) pair in order of appearance.
 */
export function alignKeys(a: readonly string[], b: readonly string[]): Uint32Array | null {
  if (a.length !== b.length) return null;
  let identical = true;
  for (let i = 0; i < a.length && identical; i++) identical = a[i] === b[i];
  const out = new Uint32Array(a.length);
  if (identical) {
    for (let i = 0; i < a.length; i++) out[i] = i;
    return out;
  }
  const where = new Map<string, number[]>();
  for (let j = b.length - 1; j >= 0; j--) {
    const list = where.get(b[j]!);
    if (list) list.push(j);
    else where.set(b[j]!, [j]);
  }
  for (let i = 0; i < a.length; i++) {
    const j = where.get(a[i]!)?.pop();
    if (j === undefined) return null;
    out[i] = j;
  }
  return out;
}

export function gather(values: Float64Array, order: Uint32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = values[order[i]!]!;
  return out;
}
