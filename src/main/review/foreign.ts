import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { RunOrigin } from '../../shared/api/routes/review';
import type { OpenProject } from '../project/project';
import type { Db } from '../store/db';
import { parseJson } from '../services/json';
import { BundleError, f64FromBytes, readBundle, type ReadBundle } from './bundle-format';
import { RECORD_SECTION, RunRecord } from './record';
import type { RunSamples } from './samples';

/** The studio version written into bundles (as app.info reports it). */
export const STUDIO_VERSION = '0.1.0';

const SHA = /^[0-9a-f]{64}$/;

export function foreignOrigin(db: Db, runId: number): RunOrigin | null {
  const row = db.prepare('SELECT origin_json FROM run_imports WHERE run_id = ?').pluck().get(runId) as string | undefined;
  return row ? (parseJson<RunOrigin | null>(row, null) ?? null) : null;
}

export function foreignRuns(db: Db): { runId: number; origin: RunOrigin }[] {
  return (db.prepare('SELECT run_id, origin_json FROM run_imports ORDER BY run_id').all() as { run_id: number; origin_json: string }[]).flatMap((r) => {
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
  const rel = project.db.prepare('SELECT bundle_path FROM run_imports WHERE run_id = ?').pluck().get(runId) as string | undefined;
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

const STATUSES = new Set(['queued', 'running', 'completed', 'failed', 'cancelled']);

/**
 * Brings a bundle into the project as a read-only foreign run. Everything is checked before anything is written;
 * the rows go in one transaction whose last step is the import record (which makes them read-only), and the bundle
 * file is moved into place inside it, so a failure leaves neither rows nor files.
 */
export function importBundle(project: OpenProject, bytes: Uint8Array, label: string): ImportResult {
  const { db, paths } = project;
  const { read, record } = parseBundle(bytes, label);
  const m = read.manifest;
  const existing = db.prepare('SELECT run_id FROM run_imports WHERE bundle_sha256 = ?').pluck().get(read.sha256) as number | undefined;
  if (existing !== undefined) {
    const origin = foreignOrigin(db, existing)!;
    const name = db.prepare('SELECT name FROM runs WHERE id = ?').pluck().get(existing) as string;
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
      const id = Number(
        db
          .prepare('INSERT INTO runs (kind, name, config_json, seed, model_hashes_json, data_json, status, error, checkpoint_path, created_at, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)')
          .run(r.kind, r.name, JSON.stringify(record.config), r.seed, JSON.stringify(record.modelHashes), JSON.stringify(record.data), STATUSES.has(r.status) ? r.status : 'completed', r.error, r.createdAt, r.startedAt, r.finishedAt).lastInsertRowid,
      );
      const insEval = db.prepare(
        'INSERT INTO evaluations (run_id, ood_dataset_id, ood_name, auroc, fpr95_mos, fpr95_openood, aupr_in, aupr_out, n_ind, n_ood, switches_json, curves_json, created_at) VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      for (const e of record.evaluations)
        insEval.run(id, e.oodName, e.auroc, e.fpr95Mos, e.fpr95OpenOod, e.auprIn, e.auprOut, e.nInd, e.nOod, JSON.stringify(e.switches), e.curves ? JSON.stringify(e.curves) : null, e.createdAt);
      const insMetric = db.prepare('INSERT OR REPLACE INTO run_metrics (run_id, name, step, epoch, value) VALUES (?, ?, ?, ?, ?)');
      for (const s of record.training) for (const p of s.points) insMetric.run(id, s.name, p.step, p.epoch, p.value);
      const rel = `runs/${id}/foreign-${read.sha256.slice(0, 16)}.synood-run`;
      const dest = path.join(paths.root, rel);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.renameSync(staged, dest);
      placed = dest;
      db.prepare('INSERT INTO run_imports (run_id, bundle_sha256, format_version, origin_json, bundle_path, imported_at) VALUES (?, ?, ?, ?, ?, ?)').run(
        id,
        read.sha256,
        m.version,
        JSON.stringify(origin),
        rel,
        origin.importedAt,
      );
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
