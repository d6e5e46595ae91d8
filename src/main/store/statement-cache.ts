import type Database from 'better-sqlite3';
import type { Db } from './db';

type Statement = Database.Statement<unknown[], unknown>;

/** Per connection: a statement is compiled once and reused, and goes away with its connection. */
const caches = new WeakMap<Db, Map<string, Statement>>();

function cached(db: Db, key: string, make: () => Statement): Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let s = cache.get(key);
  if (!s) cache.set(key, (s = make()));
  return s;
}

/** The prepared statement for `sql` on this connection, compiled on first use. */
export function stmt(db: Db, sql: string): Statement {
  return cached(db, `row:${sql}`, () => db.prepare(sql));
}

/** Like stmt, answering the first column of each row instead of the row (kept apart so the two modes never mix). */
export function pluckStmt(db: Db, sql: string): Statement {
  return cached(db, `pluck:${sql}`, () => db.prepare(sql).pluck());
}
