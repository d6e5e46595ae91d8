import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import type { MetricSeries } from '../../shared/api/routes/runs';
import type { Db } from '../store/db';
import { JobStore } from '../store/jobs';
import { trainLabelsJob, trainProjectionJob } from '../../shared/jobs';
import { generationSwitches } from './generation-switches';
import { parseRecord } from './json';
import { runDbRow, runJobId, toRun } from './run-rows';
import type { StudioContext } from './context';

/** The zero-shot NegLabel baseline's settings (§4): what a comparison shows in its config diff. */
const BASELINE_CONFIG = { method: 'neglabel', groups: 100, nounTemplate: 'the nice {}', adjTemplate: 'This is a {} photo', percentile: 0.95, keepFraction: 0.15 };

/** Evenly spaced points, always keeping the last (the final value is what people read off a curve). */
function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(points[Math.round((i * (points.length - 1)) / (max - 1))]!);
  return out;
}

/** What a run trains on, frozen when it is queued: counts for the UI, the exact ids in a manifest file. */
function snapshotData(db: Db, runsDir: string, runId: number): Record<string, unknown> {
  const accepted = db.prepare("SELECT id, label_id, prompt_version_id FROM candidates WHERE status = 'accepted' AND label_id IS NOT NULL ORDER BY id").all() as {
    id: number;
    label_id: number;
    prompt_version_id: number | null;
  }[];
  const indImages = db.prepare("SELECT count(*) FROM images WHERE skip_reason IS NULL AND dataset_id IN (SELECT id FROM datasets WHERE kind = 'ind-train')").pluck().get() as number;
  const subset = db.prepare("SELECT count(*) FROM images WHERE selected = 1 AND skip_reason IS NULL").pluck().get() as number;
  const manifest = { candidates: accepted.map((a) => [a.id, a.label_id]) };
  const body = JSON.stringify(manifest);
  const rel = `runs/${runId}/train-data.json`;
  fs.mkdirSync(path.join(runsDir, String(runId)), { recursive: true });
  fs.writeFileSync(path.join(runsDir, String(runId), 'train-data.json'), body);
  return {
    acceptedCandidates: accepted.length,
    labels: new Set(accepted.map((a) => a.label_id)).size,
    promptVersions: new Set(accepted.map((a) => a.prompt_version_id).filter((v) => v !== null)).size,
    indImages: subset || indImages,
    manifest: rel,
    manifestSha256: crypto.createHash('sha256').update(body).digest('hex'),
    generation: generationSwitches(db),
  };
}

export function runHandlers(ctx: StudioContext): Pick<Handlers, 'run.list' | 'run.get' | 'run.metrics' | 'run.baseline' | 'train.start' | 'run.stop' | 'run.resume'> {
  const emitJob = (db: Db, jobId: number) => ctx.emit({ type: 'job.state', jobId, state: new JobStore(db).get(jobId).state, at: Date.now() });
  return {
    'run.list': () => {
      const { db } = ctx.project();
      return db
        .prepare('SELECT id FROM runs ORDER BY id DESC')
        .pluck()
        .all()
        .map((id) => toRun(db, runDbRow(db, id as number)));
    },
    'run.get': ({ id }) => {
      const { db } = ctx.project();
      const r = runDbRow(db, id);
      const names = db.prepare('SELECT DISTINCT name FROM run_metrics WHERE run_id = ? ORDER BY name').pluck().all(id) as string[];
      return { ...toRun(db, r), config: parseRecord(r.config_json), data: parseRecord(r.data_json), modelHashes: parseRecord(r.model_hashes_json), metricNames: names };
    },
    'run.metrics': ({ runIds, names, maxPoints }) => {
      const { db } = ctx.project();
      const out: MetricSeries[] = [];
      const all = db.prepare('SELECT DISTINCT name FROM run_metrics WHERE run_id = ? ORDER BY name').pluck();
      const points = db.prepare('SELECT step, epoch, value FROM run_metrics WHERE run_id = ? AND name = ? ORDER BY step');
      for (const runId of runIds) {
        for (const name of names ?? (all.all(runId) as string[])) {
          const pts = points.all(runId, name) as { step: number; epoch: number | null; value: number }[];
          if (pts.length) out.push({ runId, name, points: thin(pts, maxPoints) });
        }
      }
      return out;
    },
    'run.baseline': () => {
      const { db } = ctx.project();
      let id = db.prepare("SELECT id FROM runs WHERE kind = 'zero-shot' ORDER BY id LIMIT 1").pluck().get() as number | undefined;
      if (id === undefined) {
        const now = Date.now();
        id = Number(
          db
            .prepare("INSERT INTO runs (kind, name, config_json, seed, status, created_at, finished_at) VALUES ('zero-shot', 'NegLabel (zero-shot)', ?, 0, 'completed', ?, ?)")
            .run(JSON.stringify(BASELINE_CONFIG), now, now).lastInsertRowid,
        );
        ctx.changed('runs');
      }
      return toRun(db, runDbRow(db, id));
    },
    'train.start': ({ name, seed, config }) => {
      const { paths, db } = ctx.project();
      const usable = db.prepare("SELECT count(*) FROM candidates WHERE status = 'accepted' AND label_id IS NOT NULL").pluck().get() as number;
      if (usable === 0) throw new ApiError('invalid_input', 'no accepted candidates with a negative label yet: accept some in Curate first', [{ path: 'config', message: 'no training data' }]);
      const out = db.transaction(() => {
        const now = Date.now();
        const runId = Number(
          db.prepare("INSERT INTO runs (kind, name, config_json, seed, status, created_at) VALUES (?, ?, ?, ?, 'queued', ?)").run(config.stage, name, JSON.stringify(config), seed, now).lastInsertRowid,
        );
        db.prepare('UPDATE runs SET data_json = ? WHERE id = ?').run(JSON.stringify(snapshotData(db, paths.runs, runId)), runId);
        const items = Array.from({ length: config.epochs }, (_, e) => ({ key: `epoch ${e + 1}/${config.epochs}`, payload: { epoch: e + 1 } }));
        const jobs = new JobStore(db);
        const jobId =
          config.stage === 'projection'
            ? jobs.enqueue(trainProjectionJob.kind, `Train projection (stage 1): ${name}`, { runId, seed, config }, items)
            : jobs.enqueue(trainLabelsJob.kind, `Train label features (stage 2): ${name}`, { runId, seed, config }, items);
        return { runId, jobId };
      })();
      ctx.changed('runs');
      ctx.wakeJobs();
      return out;
    },
    'run.stop': ({ id }) => {
      const { db } = ctx.project();
      const jobId = runJobId(db, id);
      const jobs = new JobStore(db);
      if (jobId === null || !['queued', 'running'].includes(jobs.status(jobId))) throw new ApiError('conflict', `run ${id} is not training; nothing to stop`);
      // Pausing (not cancelling) keeps the unfinished epochs pending, which is what resume continues from.
      jobs.setStatus(jobId, 'paused');
      db.prepare("UPDATE runs SET status = 'cancelled' WHERE id = ?").run(id);
      emitJob(db, jobId);
      ctx.changed('runs');
      return toRun(db, runDbRow(db, id));
    },
    'run.resume': ({ id }) => {
      const { db } = ctx.project();
      const jobId = runJobId(db, id);
      const jobs = new JobStore(db);
      const status = jobId === null ? null : jobs.status(jobId);
      if (jobId === null || status === null || !['paused', 'failed', 'cancelled'].includes(status)) throw new ApiError('conflict', `run ${id} has no stopped training job to resume`);
      jobs.retryFailed(jobId);
      jobs.setStatus(jobId, 'queued');
      db.prepare("UPDATE runs SET status = 'queued', error = NULL WHERE id = ?").run(id);
      emitJob(db, jobId);
      ctx.changed('runs');
      ctx.wakeJobs();
      return toRun(db, runDbRow(db, id));
    },
  };
}
