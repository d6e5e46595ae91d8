import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RunOrigin } from '../../shared/api/routes/review';
import type { OpenProject } from '../project/project';
import type { Db } from '../store/db';
import { evaluationMetrics, insertEvaluation } from '../store/evaluations';
import { importedBundlePath, importedOriginJson, insertRunImport, listRunImports, runIdOfBundle } from '../store/run-imports';
import { putMetric } from '../store/run-metrics';
import { getRun, insertRun, type RunStatus } from '../store/runs';
import { parseJson } from '../services/json';
import { BundleError, f64FromBytes, readBundle, type ReadBundle } from './bundle-format';
import { RECORD_SECTION, RunRecord } from './record';
import type { RunSamples } from './samples';

/** The studio version written into bundles (as app.info reports it). */
export const STUDIO_VERSION = '0.1.0';

const SHA = /^[0-9a-f]{64}$/;

export function foreignOrigin(db: Db, runId: number): RunOrigin | null {
  const row = importedOriginJson(db, runId);
  return row ? (parseJson<RunOrigin | null>(row, null) ?? null) : null;
}

export function foreignRuns(db: Db): { runId: number; origin: RunOrigin }[] {
  return listRunImports(db).flatMap((r) => {
    const origin = parseJson<RunOrigin | null>(r.origin_json, null);
    return origin ? [{ runId: r.run_id, origin }] : [];
  });
}

export interface ParsedBundle {
  read: ReadBundle;
  record: RunRecord;
}

/** A verified bundle whose record is valid and whose every referenced section exists and has the declared size. */
export function parseBundle(bytes: Uint8Array, label: string): ParsedBundle {
  const read = readBundle(bytes, label);
  const parsed = RunRecord.safeParse(read.json(RECORD_SECTION));
  if (!parsed.success)
    throw new BundleError('malformed', `${label} has an invalid run record (${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); nothing was imported`);
  const record = parsed.data;
  for (const e of record.evaluations) {
    if (!e.scores) continue;
    const ind = f64FromBytes(read.section(e.scores.ind), label);
    const ood = f64FromBytes(read.section(e.scores.ood), label);
    if (ind.length !== e.nInd || ood.length !== e.nOod)
      throw new BundleError('malformed', `${label}: the scores of '${e.oodName}' hold ${ind.length} InD and ${ood.length} OOD values, the record says ${e.nInd} and ${e.nOod}; nothing was imported`);
    for (const [k, n] of [
      [e.scores.indKeys, e.nInd],
      [e.scores.oodKeys, e.nOod],
    ] as const) {
      if (k === null) continue;
      const keys = read.json<unknown>(k);
      if (!Array.isArray(keys) || keys.length !== n || !keys.every((x) => typeof x === 'string'))
        throw new BundleError('malformed', `${label}: the sample keys of '${e.oodName}' do not match its ${n} scores; nothing was imported`);
    }
  }
  for (const s of record.samples) if (s.thumb && !read.has(s.thumb)) throw new BundleError('malformed', `${label}: thumbnail section '${s.thumb}' is missing; nothing was imported`);
  return { read, record };
}

/** The stored bundle of a foreign run, verified again on first use (and after any change to the file). */
export function foreignBundle(project: OpenProject, runId: number): ParsedBundle | null {
  const rel = importedBundlePath(project.db, runId);
  if (!rel) return null;
  const file = path.join(project.paths.root, rel);
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st) throw new BundleError('malformed', `the bundle of foreign run ${runId} (${rel}) is missing from the project`);
  const stamp = `${st.size}:${st.mtimeMs}`;
  const cache = project.memo.foreignBundles;
  const hit = cache.get(file);
  if (hit && hit.stamp === stamp) return hit.parsed;
  const parsed = parseBundle(fs.readFileSync(file), `the bundle of foreign run ${runId}`);
  cache.set(file, { stamp, parsed });
  if (cache.size > 8) cache.delete(cache.keys().next().value!);
  return parsed;
}

/** Scores and keys of a foreign run. Keys that are not content hashes are made unique to their bundle. */
export function foreignRunSamples(project: OpenProject, runId: number): RunSamples | null {
  const b = foreignBundle(project, runId);
  if (!b) return null;
  const origin = foreignOrigin(project.db, runId);
  const prefix = `bundle:${(origin?.bundleSha256 ?? b.read.sha256).slice(0, 12)}:`;
  const keysOf = (name: string | null) => (name === null ? null : b.read.json<string[]>(name).map((k) => (SHA.test(k) ? k : prefix + k)));
  const out: RunSamples = { runId, sets: new Map(), missing: new Map() };
  for (const e of b.record.evaluations) {
    if (!e.scores) {
      out.missing.set(e.oodName, 'the bundle holds no per-sample scores for this evaluation');
      continue;
    }
    const indKeys = keysOf(e.scores.indKeys);
    const oodKeys = keysOf(e.scores.oodKeys);
    out.sets.set(e.oodName, {
      oodName: e.oodName,
      evaluationId: null,
      ind: f64FromBytes(b.read.section(e.scores.ind), 'bundle'),
      ood: f64FromBytes(b.read.section(e.scores.ood), 'bundle'),
      indKeys,
      oodKeys,
      keysNote: indKeys && oodKeys ? null : 'the bundle holds no sample identities for this evaluation',
    });
  }
  return out;
}

export interface ImportResult {
  runId: number;
  name: string;
  alreadyImported: boolean;
  origin: RunOrigin;
}

const STATUSES: readonly RunStatus[] = ['queued', 'running', 'completed', 'failed', 'cancelled'];
/** A status this build does not know is imported as completed. */
const statusOf = (s: string): RunStatus => STATUSES.find((k) => k === s) ?? 'completed';

/**
 * Brings a bundle into the project as a read-only foreign run. Everything is checked before anything is written;
 * the rows go in one transaction whose last step is the import record (which makes them read-only), and the bundle
 * file is moved into place inside it, so a failure leaves neither rows nor files.
 */
export function importBundle(project: OpenProject, bytes: Uint8Array, label: string): ImportResult {
  const { db, paths } = project;
  const { read, record } = parseBundle(bytes, label);
  const m = read.manifest;
  const existing = runIdOfBundle(db, read.sha256);
  if (existing !== undefined) {
    const origin = foreignOrigin(db, existing)!;
    const name = getRun(db, existing)!.name;
    return { runId: existing, name, alreadyImported: true, origin };
  }
  const origin: RunOrigin = {
    projectName: m.origin.projectName,
    projectPath: m.origin.projectPath,
    runId: m.origin.runId,
    runName: m.origin.runName,
    exportedAt: m.createdAt,
    studioVersion: m.studio.version,
    formatVersion: m.version,
    bundleSha256: read.sha256,
    importedAt: Date.now(),
  };
  fs.mkdirSync(paths.tmp, { recursive: true });
  const staged = path.join(paths.tmp, `import-${process.pid}-${crypto.randomBytes(6).toString('hex')}.synood-run`);
  fs.writeFileSync(staged, bytes);
  let placed: string | null = null;
  try {
    const runId = db.transaction(() => {
      const r = record.run;
      const id = insertRun(db, {
        kind: r.kind,
        name: r.name,
        configJson: JSON.stringify(record.config),
        seed: r.seed,
        modelHashesJson: JSON.stringify(record.modelHashes),
        dataJson: JSON.stringify(record.data),
        status: statusOf(r.status),
        error: r.error,
        checkpointPath: null,
        createdAt: r.createdAt,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
      });
      for (const e of record.evaluations)
        insertEvaluation(db, {
          runId: id,
          oodDatasetId: null,
          oodName: e.oodName,
          ...evaluationMetrics(e),
          switchesJson: JSON.stringify(e.switches),
          curvesJson: e.curves ? JSON.stringify(e.curves) : null,
          createdAt: e.createdAt,
        });
      for (const s of record.training) for (const p of s.points) putMetric(db, id, s.name, p.step, p.epoch, p.value);
      const rel = `runs/${id}/foreign-${read.sha256.slice(0, 16)}.synood-run`;
      const dest = path.join(paths.root, rel);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.renameSync(staged, dest);
      placed = dest;
      insertRunImport(db, { runId: id, bundleSha256: read.sha256, formatVersion: m.version, originJson: JSON.stringify(origin), bundlePath: rel, importedAt: origin.importedAt });
      return id;
    })();
    return { runId, name: record.run.name, alreadyImported: false, origin };
  } catch (e) {
    if (placed) fs.rmSync(placed, { force: true });
    throw e;
  } finally {
    fs.rmSync(staged, { force: true });
  }
}
