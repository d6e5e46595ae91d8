import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

type AnyStatement = Statement<unknown[], unknown>;

/** Per connection: a statement is compiled once and reused (gallery pages and job items run the same few often). */
const cache = new WeakMap<Db, Map<string, AnyStatement>>();

function cached(db: Db, key: string, make: () => AnyStatement): AnyStatement {
  let byKey = cache.get(db);
  if (!byKey) {
    byKey = new Map();
    cache.set(db, byKey);
  }
  let s = byKey.get(key);
  if (!s) {
    s = make();
    byKey.set(key, s);
  }
  return s;
}

/**
 * A cached statement whose rows have type `R`. The row type is the store's declaration of what the SQL selects:
 * each module keeps its SQL and its row type side by side, so call sites never cast. Never use a cached statement
 * with `.iterate()` (a second caller would find it busy).
 */
export function rowsOf<R, P extends unknown[] = unknown[]>(db: Db, sql: string): Statement<P, R> {
  return cached(db, `r:${sql}`, () => db.prepare(sql)) as unknown as Statement<P, R>;
}

/** A cached statement that answers its first column only (`pluck`), typed `V`. */
export function valuesOf<V, P extends unknown[] = unknown[]>(db: Db, sql: string): Statement<P, V> {
  return cached(db, `v:${sql}`, () => db.prepare(sql).pluck()) as unknown as Statement<P, V>;
}

/** A cached write statement (INSERT, UPDATE, DELETE). */
export function writeOf(db: Db, sql: string): AnyStatement {
  return cached(db, `w:${sql}`, () => db.prepare(sql));
}

/** `json_each(?)` takes a list as one parameter: no statement with thousands of placeholders. */
export const jsonList = (ids: readonly number[]): string => JSON.stringify(ids);
