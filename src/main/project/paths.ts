import path from 'node:path';

/** Where things live inside a project folder. Everything the renderer may load is under one of these. */
export interface ProjectPaths {
  root: string;
  db: string;
  datasets: string;
  candidates: string;
  thumbs: string;
  runs: string;
  models: string;
  exports: string;
  tmp: string;
}

export const DB_FILE = 'synood.db';

export function projectPaths(root: string): ProjectPaths {
  const r = path.resolve(root);
  return {
    root: r,
    db: path.join(r, DB_FILE),
    datasets: path.join(r, 'datasets'),
    candidates: path.join(r, 'candidates'),
    thumbs: path.join(r, 'thumbs'),
    runs: path.join(r, 'runs'),
    models: path.join(r, 'models'),
    exports: path.join(r, 'exports'),
    tmp: path.join(r, '.tmp'),
  };
}

/** Folders the file handler may serve from (relative to the project root). */
export const SERVABLE_FOLDERS = ['datasets', 'candidates', 'thumbs', 'runs', 'exports'] as const;
