import type { Db } from './db';

/**
 * Copies rows of one table between two databases of the same schema, every column as it is (ids included, so
 * rows that refer to them keep meaning the same thing on both sides). Returns how many rows were copied.
 */
export function copyRows(from: Db, to: Db, table: string, where: string, params: unknown[] = []): number {
  const rows = from.prepare<unknown[], Record<string, unknown>>(`SELECT * FROM ${table} WHERE ${where}`).all(...params);
  if (rows.length === 0) return 0;
  const cols = Object.keys(rows[0]!);
  const insert = to.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
  for (const r of rows) insert.run(r);
  return rows.length;
}

/** `json_each(?)` takes the list as one parameter: no statement with thousands of placeholders. */
export const inList = (ids: readonly number[]): string => JSON.stringify(ids);
