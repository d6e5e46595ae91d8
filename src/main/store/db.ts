import Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, migrate, NewerSchemaError } from './migrations';

export type Db = Database.Database;

/**
 * Opens (creating if needed) a project database: WAL so the job process and the API read and write concurrently,
 * foreign keys on, a busy timeout so the two processes wait for each other instead of failing.
 */
export function openDb(file: string, opts: { readonly?: boolean } = {}): Db {
  const db = new Database(file, { readonly: opts.readonly ?? false });
  db.pragma('busy_timeout = 10000');
  // Check the version before anything writes (even switching to WAL rewrites the header): a file from a newer
  // build must stay byte-for-byte untouched.
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > LATEST_SCHEMA_VERSION) {
    db.close();
    throw new NewerSchemaError(file, version);
  }
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  // 32 MiB of page cache (the default is 2 MiB): gallery pages over 100k candidates stay in memory after first use.
  db.pragma('cache_size = -32768');
  if (!opts.readonly) {
    try {
      migrate(db, file);
    } catch (e) {
      db.close();
      throw e;
    }
  }
  return db;
}
