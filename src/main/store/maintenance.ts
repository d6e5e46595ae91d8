import type { Db } from './db';

/** Gathers the query planner's statistics (ANALYZE): after a bulk load, filtered gallery pages walk the sort index. */
export function analyze(db: Db): void {
  db.exec('ANALYZE');
}

/** Lets SQLite refresh its planner statistics where they went stale (cheap when little changed): after each job. */
export function optimize(db: Db): void {
  db.pragma('optimize');
}
