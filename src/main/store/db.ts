import Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, migrate, NewerSchemaError } from './migrations';

export type Db = Database.Database;

/** How long SQLite itself waits for another connection's lock before answering SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;
/** On top of that, how long a transaction that still met SQLITE_BUSY keeps retrying, with backoff, before giving up. */
export const BUSY_RETRY_MS = 5_000;

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_RECOVERY, ...): another connection holds a lock. */
export function isBusyError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_'));
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** better-sqlite3 is synchronous, so its callers are too: the pause between retries blocks, as busy_timeout does. */
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * Runs `attempt` again while it fails with SQLITE_BUSY and `retriable()` says nothing was done yet, pausing
 * 5, 10, 20 ... up to 250 ms (with jitter, so two processes do not retry in step), for at most BUSY_RETRY_MS in all.
 */
export function retryOnBusy<T>(attempt: () => T, retriable: () => boolean = () => true, budgetMs = BUSY_RETRY_MS): T {
  let waited = 0;
  let pause = 5;
  for (;;) {
    try {
      return attempt();
    } catch (e) {
      if (!isBusyError(e) || !retriable() || waited >= budgetMs) throw e;
      const ms = Math.max(1, Math.min(budgetMs - waited, Math.round(pause * (0.5 + Math.random()))));
      sleepSync(ms);
      waited += ms;
      pause = Math.min(pause * 2, 250);
    }
  }
}

type Mode = 'deferred' | 'immediate' | 'exclusive';

/**
 * Makes every `db.transaction(fn)` of this connection start with BEGIN IMMEDIATE and retry SQLITE_BUSY.
 *
 * Why: a deferred transaction (better-sqlite3's default) that reads and then writes takes the write lock only at its
 * first write; if another process committed in between, SQLite cannot upgrade the stale read and answers
 * SQLITE_BUSY_SNAPSHOT at once, without waiting on busy_timeout. Taking the write lock at BEGIN makes the wait
 * happen there, under busy_timeout, before any statement ran. Only a BEGIN that failed is retried: once `fn` has
 * started, its error (and any side effects it had outside the database) are the caller's.
 * Nested calls stay savepoints of the outer transaction, which already holds the lock. `.deferred` remains for
 * read-only transactions that want no write lock.
 */
function immediateTransactions(db: Db): void {
  const original = db.transaction.bind(db);
  db.transaction = ((fn: (...args: unknown[]) => unknown) => {
    let started = false;
    const inner = original(function (this: unknown, ...args: unknown[]) {
      started = true;
      return fn.apply(this, args);
    });
    const runner = (mode: Mode) =>
      function (this: unknown, ...args: unknown[]) {
        if (db.inTransaction) return inner[mode].apply(this, args);
        return retryOnBusy(
          () => {
            started = false;
            return inner[mode].apply(this, args);
          },
          () => !started,
        );
      };
    const immediate = runner('immediate');
    return Object.assign(immediate, { default: immediate, immediate, deferred: runner('deferred'), exclusive: runner('exclusive') });
  }) as Db['transaction'];
}

/**
 * Opens (creating if needed) a project database: WAL so the job process and the API read and write concurrently,
 * foreign keys on, a busy timeout so the two processes wait for each other instead of failing, and write
 * transactions that take their lock up front (see immediateTransactions).
 */
export function openDb(file: string, opts: { readonly?: boolean } = {}): Db {
  const db = new Database(file, { readonly: opts.readonly ?? false });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Check the version before anything writes (even switching to WAL rewrites the header): a file from a newer
  // build must stay byte-for-byte untouched.
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > LATEST_SCHEMA_VERSION) {
    db.close();
    throw new NewerSchemaError(file, version);
  }
  if (!opts.readonly) {
    // Switching to WAL needs a moment of exclusive access: another process opening the file at the same time
    // can make it answer SQLITE_BUSY without waiting.
    retryOnBusy(() => db.pragma('journal_mode = WAL'));
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  // 32 MiB of page cache (the default is 2 MiB): gallery pages over 100k candidates stay in memory after first use.
  db.pragma('cache_size = -32768');
  if (!opts.readonly) {
    immediateTransactions(db);
    try {
      // One write lock around the whole check-and-migrate: two processes opening an old file at once cannot
      // both read the old version and both apply the same step (the inner steps become savepoints).
      db.transaction(() => migrate(db, file))();
    } catch (e) {
      db.close();
      throw e;
    }
  }
  return db;
}
