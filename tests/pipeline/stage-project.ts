import path from 'node:path';
import Database from 'better-sqlite3';
import { importModel, insertModel, type ModelRole } from '../../src/main/models';
import { Studio } from '../../src/main/root';
import type { ApiResult } from '../../src/shared/api/errors';
import type { Job } from '../../src/shared/api/jobs';

/** Helpers shared by the select / describe / generate stage tests: a real Studio, real job process, real SQLite. */

export function value<T>(r: ApiResult<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

export async function jobDone(studio: Studio, jobId: number, timeoutMs = 60_000): Promise<Job> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const job = value<Job>(await studio.call('job.get', { id: jobId }));
    if (['completed', 'failed', 'cancelled'].includes(job.state.status)) return job;
    if (Date.now() > end) throw new Error(`job ${jobId} still ${job.state.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A studio with a fresh project and one InD ImageFolder dataset imported (the import job waited for). */
export async function projectWithImages(home: string, projectDir: string, imageFolder: string, kind: 'ind-train' | 'ood-test' = 'ind-train') {
  const studio = new Studio({ transport: 'direct', homeDir: home });
  value(await studio.call('project.create', { dir: projectDir, name: path.basename(projectDir) }));
  const { datasetId, jobId } = value<{ datasetId: number; jobId: number }>(
    await studio.call('dataset.import', { name: 'ind', kind, source: { type: 'folder', path: imageFolder, layout: 'imagefolder' } }),
  );
  const job = await jobDone(studio, jobId);
  if (job.state.status !== 'completed') throw new Error(`import ended ${job.state.status}`);
  return { studio, datasetId };
}

/** A second connection to the project database, as another process would open it. */
export function openProbe(projectDir: string): Database.Database {
  const db = new Database(path.join(projectDir, 'synood.db'));
  db.pragma('busy_timeout = 10000');
  return db;
}

/** Registers a model the way the model manager does: validated, hashed, one row in `models`. */
export async function registerModel(projectDir: string, role: ModelRole, source: string): Promise<void> {
  // CPU, as chosen at import: the tests compare bytes across runs, and this machine has no GPU to try first.
  const { record } = await importModel({ role, source, provider: 'cpu' });
  const db = openProbe(projectDir);
  try {
    insertModel(db, record);
  } finally {
    db.close();
  }
}

/** Registers a folder without validation: how a folder that broke after its import looks to a job. */
export function registerUnchecked(projectDir: string, role: ModelRole, folder: string): void {
  const db = openProbe(projectDir);
  try {
    db.prepare("INSERT INTO models (role, path, sha256, signature_json, provider, created_at) VALUES (?, ?, 'unchecked', '{}', 'cpu', ?)").run(role, folder, Date.now());
  } finally {
    db.close();
  }
}

export interface ImageInfo {
  id: number;
  path: string;
  classId: number | null;
  className: string | null;
}

export function imagesOf(projectDir: string): ImageInfo[] {
  const db = openProbe(projectDir);
  try {
    return db
      .prepare('SELECT i.id, i.path, i.class_id AS classId, c.name AS className FROM images i LEFT JOIN classes c ON c.id = i.class_id WHERE i.skip_reason IS NULL ORDER BY i.id')
      .all() as ImageInfo[];
  } finally {
    db.close();
  }
}
