import type { Statement } from 'better-sqlite3';
import type { Db } from './db';
import { rowsOf, valuesOf } from './statements';

/**
 * Untyped forms of the one statement cache (statements.ts), for modules that map their rows themselves: the
 * statement for `sql` on this connection, compiled on first use.
 */
export function stmt(db: Db, sql: string): Statement<unknown[], unknown> {
  return rowsOf<unknown>(db, sql);
}

/** Like stmt, answering the first column of each row instead of the row. */
export function pluckStmt(db: Db, sql: string): Statement<unknown[], unknown> {
  return valuesOf<unknown>(db, sql);
}
