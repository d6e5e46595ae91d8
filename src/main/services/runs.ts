import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import type { MetricSeries } from '../../shared/api/routes/runs';
import type { Db } from '../store/db';
import { metricNames, metricPoints } from '../store/run-metrics';
import { firstRunIdOfKind, insertRun, markRunCancelled, markRunQueued, runIdsNewestFirst, setRunDataJson } from '../store/runs';
import { JobStore } from '../store/jobs';
import { trainLabelsJob, trainProjectionJob } from '../../shared/jobs';
import { generationSwitches } from './generation-switches';
import { parseRecord } from './json';
import { runDbRow, runJobId, toRun } from './run-rows';
import type { StudioContext } from './context';
import { acceptedLabelled, countAcceptedLabelled } from '../store/candidates';
import { countSelectedUsable, countUsableIndTrain } from '../store/images';

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
  const accepted = acceptedLabelled(db);
  const indImages = countUsableIndTrain(db);
  const subset = countSelectedUsable(db);
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
      return runIdsNewestFirst(db).map((id) => toRun(db, runDbRow(db, id)));
    },
    'run.get': ({ id }) => {
      const { db } = ctx.project();
      const r = runDbRow(db, id);
      const names = metricNames(db, id);
      return { ...toRun(db, r), config: parseRecord(r.config_json), data: parseRecord(r.data_json), modelHashes: parseRecord(r.model_hashes_json), metricNames: names };
    },
    'run.metrics': ({ runIds, names, maxPoints }) => {
      const { db } = ctx.project();
      const out: MetricSeries[] = [];
      for (const runId of runIds) {
        for (const name of names ?? metricNames(db, runId)) {
          const pts = metricPoints(db, runId, name);
          if (pts.length) out.push({ runId, name, points: thin(pts, maxPoints) });
        }
      }
      return out;
    },
    'run.baseline': () => {
      const { db } = ctx.project();
      let id = firstRunIdOfKind(db, 'zero-shot');
      if (id === undefined) {
        const now = Date.now();
        id = insertRun(db, { kind: 'zero-shot', name: 'NegLabel (zero-shot)', configJson: JSON.stringify(BASELINE_CONFIG), seed: 0, status: 'completed', createdAt: now, finishedAt: now });
        ctx.changed('runs');
      }
      return toRun(db, runDbRow(db, id));
    },
    'train.start': ({ name, seed, config }) => {
      const { paths, db } = ctx.project();
      const usable = countAcceptedLabelled(db);
      if (usable === 0) throw new ApiError('invalid_input', 'no accepted candidates with a negative label yet: accept some in Curate first', [{ path: 'config', message: 'no training data' }]);
      const out = db.transaction(() => {
        const now = Date.now();
        const runId = insertRun(db, { kind: config.stage, name, configJson: JSON.stringify(config), seed, status: 'queued', createdAt: now });
        setRunDataJson(db, runId, JSON.stringify(snapshotData(db, paths.runs, runId)));
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
      markRunCancelled(db, id);
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
      markRunQueued(db, id);
      emitJob(db, jobId);
      ctx.changed('runs');
      ctx.wakeJobs();
      return toRun(db, runDbRow(db, id));
    },
  };
}
