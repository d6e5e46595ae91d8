import path from 'node:path';
import Database from 'better-sqlite3';
import { seedProject } from '../../src/main/dev/seed';
import { createProject } from '../../src/main/project/project';
import { Studio } from '../../src/main/root';
import type { ApiResult } from '../../src/shared/api/errors';

/** A project filled by the dev seeder (real image files, labels, candidates, runs with evaluations). */
export async function seededProject(dir: string, opts: { candidates?: number; pictures?: number } = {}): Promise<string> {
  const p = createProject(dir, 'export test');
  try {
    await seedProject(p, { classes: 3, imagesPerClass: 2, candidates: opts.candidates ?? 24, pictures: opts.pictures ?? 6, seed: 7 });
  } finally {
    p.db.close();
  }
  return dir;
}

export function openDb(projectDir: string): Database.Database {
  const db = new Database(path.join(projectDir, 'synood.db'));
  db.pragma('busy_timeout = 10000');
  return db;
}

export async function openStudio(home: string, projectDir: string): Promise<Studio> {
  const studio = new Studio({ transport: 'direct', homeDir: home });
  const r = await studio.call('project.open', { dir: projectDir });
  if (!r.ok) throw new Error(r.error.message);
  return studio;
}

export function value<T>(r: ApiResult<unknown>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}
