import fs from 'node:fs';
import { ApiError } from '../../shared/api/errors';
import type { Project } from '../../shared/api/routes/app';
import { openDb, type Db } from '../store/db';
import { projectPaths, type ProjectPaths } from './paths';
import { createProjectMemo, type ProjectMemo } from './memo';
import { insertProjectRow, projectRow, schemaVersion } from '../store/project-meta';

export interface OpenProject {
  info: Project;
  paths: ProjectPaths;
  db: Db;
  /** Caches that go with this open project (see memo.ts). */
  memo: ProjectMemo;
}

function readInfo(db: Db, paths: ProjectPaths): Project {
  const row = projectRow(db);
  if (!row) throw new ApiError('not_found', `${paths.db} holds no project record`);
  return { id: row.id, name: row.name, dir: paths.root, createdAt: row.created_at, schemaVersion: schemaVersion(db) };
}

function ensureFolders(paths: ProjectPaths): void {
  for (const dir of [paths.datasets, paths.candidates, paths.thumbs, paths.runs, paths.models, paths.exports, paths.tmp]) fs.mkdirSync(dir, { recursive: true });
}

export function createProject(dir: string, name: string): OpenProject {
  const paths = projectPaths(dir);
  if (fs.existsSync(paths.db)) throw new ApiError('conflict', `${paths.root} already holds a project (${paths.db}); open it instead`);
  fs.mkdirSync(paths.root, { recursive: true });
  ensureFolders(paths);
  const db = openDb(paths.db);
  insertProjectRow(db, name, Date.now());
  return { info: readInfo(db, paths), paths, db, memo: createProjectMemo() };
}

export function openProject(dir: string): OpenProject {
  const paths = projectPaths(dir);
  if (!fs.existsSync(paths.db)) throw new ApiError('not_found', `${paths.root} is not a SynOOD project (no ${paths.db})`);
  let db: Db;
  try {
    db = openDb(paths.db);
  } catch (e) {
    throw new ApiError('conflict', (e as Error).message);
  }
  ensureFolders(paths);
  return { info: readInfo(db, paths), paths, db, memo: createProjectMemo() };
}
