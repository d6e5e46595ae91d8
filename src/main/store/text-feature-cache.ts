import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { retryOnBusy } from './db';

/** Where the Studio keeps its per-user text-feature cache: one file shared by every project and job. */
export function textFeatureCachePath(homeDir: string): string {
  return join(homeDir, 'cache', 'text-features.sqlite');
}

/** How a feature row is stored: `dim` little-endian float16 (2 bytes each) or float32 (4 bytes each) values. */
export interface RowFormat {
  dim: number;
  valueBytes: 2 | 4;
}

/** One cached row: a text and its feature's bytes (dim × valueBytes). */
export interface CachedRow {
  text: string;
  data: Uint8Array;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS text_models (
  id INTEGER PRIMARY KEY,
  model_key TEXT NOT NULL UNIQUE,
  dim INTEGER NOT NULL CHECK (dim > 0),
  value_bytes INTEGER NOT NULL CHECK (value_bytes IN (2, 4)),
  last_used_at INTEGER NOT NULL,
  -- Rows answered from the cache so far: with the row count (rows computed), what the cache saved.
  served INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS text_features (
  model_id INTEGER NOT NULL REFERENCES text_models(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (model_id, text)
);`;

/** Bumped when the file's layout changes: an older file is dropped and rebuilt (it is only a cache). */
const CACHE_VERSION = 1;

/**
 * CLIP text features computed once per text encoder and reused by every job, project and restart: a per-user
 * SQLite file (WAL, so job processes of several projects share it). Rows are keyed by the encoder's content key
 * (its text tower and tokenizer files, hashed, with the precision it is kept in) and the exact text the encoder saw
 * (the template filled in). A row holds the feature as little-endian float16 or float32 (float16 halves the size:
 * 118k nouns × 512 dims are 121 MB rather than 242 MB). A batch is written in one transaction, so a crash
 * mid-batch leaves none of it; a row whose blob is not `dim` values of the key's width is never served. At most `keepModels` encoders are kept: older ones are dropped,
 * least recently used first, when a new one is added.
 */
export class TextFeatureCacheDb {
  private readonly db: Database.Database;
  private readonly keepModels: number;

  private constructor(db: Database.Database, keepModels: number) {
    this.db = db;
    this.keepModels = keepModels;
  }

  static open(file: string, opts: { keepModels?: number } = {}): TextFeatureCacheDb {
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma('busy_timeout = 10000');
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== CACHE_VERSION) {
        retryOnBusy(() =>
          db.transaction(() => {
            db.exec('DROP TABLE IF EXISTS text_features; DROP TABLE IF EXISTS text_models;');
            db.exec(SCHEMA);
            db.pragma(`user_version = ${CACHE_VERSION}`);
          }).immediate(),
        );
      }
    } catch (e) {
      db.close();
      throw e;
    }
    return new TextFeatureCacheDb(db, opts.keepModels ?? 4);
  }

  /** The cached features of `texts` for this encoder, in order; undefined where absent (or stored with another width). */
  get(modelKey: string, format: RowFormat, texts: readonly string[]): (Uint8Array | undefined)[] {
    const model = this.db.prepare('SELECT id, dim, value_bytes FROM text_models WHERE model_key = ?').get(modelKey) as { id: number; dim: number; value_bytes: number } | undefined;
    if (!model || model.dim !== format.dim || model.value_bytes !== format.valueBytes) return texts.map(() => undefined);
    const rowBytes = format.dim * format.valueBytes;
    const select = this.db.prepare('SELECT data FROM text_features WHERE model_id = ? AND text = ?').pluck();
    const read = this.db.transaction(() =>
      texts.map((t) => {
        const buf = select.get(model.id, t) as Buffer | undefined;
        return buf && buf.byteLength === rowBytes ? buf : undefined;
      }),
    );
    // One read transaction: a consistent snapshot, and far faster than one implicit transaction per row.
    return read.deferred();
  }

  /**
   * Stores a batch in one transaction: either every row of it is written or (on an error or a crash) none.
   * Rows already present are left as they are (another process computed the same feature).
   */
  put(modelKey: string, format: RowFormat, rows: Iterable<CachedRow>, now = Date.now()): number {
    const rowBytes = format.dim * format.valueBytes;
    return retryOnBusy(() =>
      this.db.transaction(() => {
        const id = this.modelId(modelKey, format, now);
        const insert = this.db.prepare('INSERT OR IGNORE INTO text_features (model_id, text, data) VALUES (?, ?, ?)');
        let n = 0;
        for (const r of rows) {
          if (r.data.byteLength !== rowBytes) throw new Error(`text feature for '${r.text}' has ${r.data.byteLength} bytes, ${format.dim} values of ${format.valueBytes} bytes are ${rowBytes}`);
          insert.run(id, r.text, Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength));
          n++;
        }
        return n;
      }).immediate(),
    );
  }

  /** Marks the encoder used now (the last to be dropped) and counts `served` rows answered from the cache. */
  touch(modelKey: string, served: number, now = Date.now()): void {
    retryOnBusy(() => this.db.prepare('UPDATE text_models SET last_used_at = ?, served = served + ? WHERE model_key = ?').run(now, served, modelKey));
  }

  /** Encoders held, feature rows (each computed once), their bytes, and rows served from the cache so far. */
  stats(): { models: number; rows: number; bytes: number; served: number } {
    const m = this.db.prepare('SELECT COUNT(*) AS models, COALESCE(SUM(served), 0) AS served FROM text_models').get() as { models: number; served: number };
    const f = this.db.prepare('SELECT COUNT(*) AS rows, COALESCE(SUM(LENGTH(data)), 0) AS bytes FROM text_features').get() as { rows: number; bytes: number };
    return { ...m, ...f };
  }

  close(): void {
    this.db.close();
  }

  private modelId(modelKey: string, format: RowFormat, now: number): number {
    const found = this.db.prepare('SELECT id, dim, value_bytes FROM text_models WHERE model_key = ?').get(modelKey) as { id: number; dim: number; value_bytes: number } | undefined;
    if (found) {
      if (found.dim !== format.dim || found.value_bytes !== format.valueBytes) {
        throw new Error(`text-feature cache: encoder ${modelKey.slice(0, 12)}… was stored as ${found.dim} × ${found.value_bytes} bytes, now as ${format.dim} × ${format.valueBytes}`);
      }
      this.db.prepare('UPDATE text_models SET last_used_at = ? WHERE id = ?').run(now, found.id);
      return found.id;
    }
    // Bounded: beyond keepModels encoders, the least recently used go (their rows with them, by cascade).
    const stale = this.db.prepare('SELECT id FROM text_models ORDER BY last_used_at DESC, id DESC LIMIT -1 OFFSET ?').pluck().all(this.keepModels - 1) as number[];
    const drop = this.db.prepare('DELETE FROM text_models WHERE id = ?');
    for (const id of stale) drop.run(id);
    return Number(this.db.prepare('INSERT INTO text_models (model_key, dim, value_bytes, last_used_at) VALUES (?, ?, ?, ?)').run(modelKey, format.dim, format.valueBytes, now).lastInsertRowid);
  }
}
