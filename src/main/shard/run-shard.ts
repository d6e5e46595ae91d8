import fs from 'node:fs';
import path from 'node:path';
import type { JobProgress } from '../../shared/api/jobs';
import { JobStore } from '../store/jobs';
import { projectPaths } from '../project/paths';
import { Studio } from '../root';
import { openDb } from '../store/db';
import { createBundle } from './create-bundle';
import { canonicalJson, readManifest, type BundleManifest } from './manifest';
import { bundleFolderName, type ShardSpec } from './shard-spec';
import type { ShardPlan } from './work';
import { projectRow } from '../store/project-meta';

export interface ShardRunOptions {
  projectDir: string;
  /** Folder holding the bundles of a run; this shard's is `<stage>-shard-<i>-of-<n>` inside it. */
  bundlesDir: string;
  spec: ShardSpec;
  plan: ShardPlan;
  onProgress?: (p: Pick<JobProgress, 'done' | 'failed' | 'total'>) => void;
}

export interface ShardRunResult {
  bundleDir: string;
  bundleId: string;
  resumed: boolean;
  status: string;
  error: string | null;
  total: number;
  done: number;
  failed: number;
}

/** The parent is only read: n shards may start at once, and none of them may migrate or lock it. */
function cutBundle(projectDir: string, bundleDir: string, plan: ShardPlan, spec: ShardSpec): BundleManifest {
  const file = projectPaths(projectDir).db;
  if (!fs.existsSync(file)) throw new Error(`${path.resolve(projectDir)} is not a SynOOD project (no ${file})`);
  const db = openDb(file, { readonly: true });
  try {
    const info = projectRow(db);
    if (!info) throw new Error(`${file} holds no project record`);
    return createBundle({ db, root: path.resolve(projectDir), name: info.name, createdAt: info.created_at }, bundleDir, plan, spec);
  } finally {
    db.close();
  }
}

/** An existing bundle is only ever reused for the very shard and plan it was cut for. */
function checkSamePlan(bundleDir: string, plan: ShardPlan, spec: ShardSpec): BundleManifest {
  const m = readManifest(bundleDir);
  if (m.stage !== plan.stage || m.index !== spec.index || m.count !== spec.count || canonicalJson(m.plan) !== canonicalJson(plan)) {
    throw new Error(`${bundleDir} already holds a bundle of another run (${m.stage} shard ${m.index}/${m.count}, other settings): choose another --bundle-dir, or delete it`);
  }
  return m;
}

/**
 * The bundle of one shard, cut from the project now unless it exists already (cut earlier by `synood slurm --cut`,
 * or by an earlier run of this shard). Returns whether it existed.
 */
export function cutShardBundle(projectDir: string, bundlesDir: string, plan: ShardPlan, spec: ShardSpec): { bundleDir: string; manifest: BundleManifest; existed: boolean } {
  const bundleDir = path.resolve(bundlesDir, bundleFolderName(plan.stage, spec));
  if (fs.existsSync(bundleDir)) return { bundleDir, manifest: checkSamePlan(bundleDir, plan, spec), existed: true };
  return { bundleDir, manifest: cutBundle(projectDir, bundleDir, plan, spec), existed: false };
}

/** Items that failed for a passing reason (a provider error, memory) get another try; the job is queued again. Says whether the job had run before. */
function requeue(bundleDir: string, jobId: number): boolean {
  const db = openDb(projectPaths(bundleDir).db);
  try {
    const jobs = new JobStore(db);
    const c = jobs.counts(jobId);
    const retried = jobs.retryFailed(jobId);
    if (retried > 0 || !['completed', 'running', 'queued'].includes(jobs.status(jobId))) jobs.setStatus(jobId, 'queued');
    return c.done + c.failed > 0;
  } finally {
    db.close();
  }
}

/**
 * Runs one shard: cuts its bundle from the project (or picks up the one already there) and runs the bundle's job with the studio's
 * own job handlers, through a Studio opened on the bundle, until the job ends.
 */
export async function runShard(o: ShardRunOptions): Promise<ShardRunResult> {
  const { bundleDir, manifest, existed } = cutShardBundle(o.projectDir, o.bundlesDir, o.plan, o.spec);
  const resumed = existed && requeue(bundleDir, manifest.jobId);
  // The bundle's own home: n shards on one cluster account must not race on the user's recent-projects file.
  const studio = new Studio({ transport: 'direct', homeDir: path.join(bundleDir, '.tmp', 'home') });
  try {
    const opened = await studio.call('project.open', { dir: bundleDir });
    if (!opened.ok) throw new Error(opened.error.message);
    studio.onEvent((e) => {
      if (e.type === 'job.progress' && e.jobId === manifest.jobId) o.onProgress?.(e.progress);
    });
    for (;;) {
      const r = await studio.call('job.get', { id: manifest.jobId });
      if (!r.ok) throw new Error(r.error.message);
      const job = r.value as { state: { status: string; error?: string }; progress: { total: number; done: number; failed: number } };
      if (!['queued', 'running'].includes(job.state.status)) {
        return {
          bundleDir,
          bundleId: manifest.bundleId,
          resumed,
          status: job.state.status,
          error: job.state.error ?? null,
          total: job.progress.total,
          done: job.progress.done,
          failed: job.progress.failed,
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await studio.close();
  }
}
