import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/main/store/db';
import { LATEST_SCHEMA_VERSION } from '../../src/main/store/migrations';
import { schemaV1 } from '../../src/main/store/schema-v1';
import { tmpDir } from '../helpers/tmp';

describe('schema version 2 (shard_merges)', () => {
  let t: ReturnType<typeof tmpDir>;
  afterEach(() => t.cleanup());

  it('a version-1 project file gains shard_merges on open, its rows untouched', () => {
    t = tmpDir('synood-schema-v2-');
    const file = path.join(t.dir, 'synood.db');
    // A project as the previous build left it: version 1, one row.
    const v1 = new Database(file);
    v1.exec(schemaV1);
    v1.pragma('user_version = 1');
    v1.prepare("INSERT INTO project (id, name, created_at) VALUES (1, 'old', 42)").run();
    v1.close();

    const db = openDb(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(db.prepare('SELECT name, created_at FROM project').get()).toEqual({ name: 'old', created_at: 42 });
      const cols = (db.prepare('PRAGMA table_info(shard_merges)').all() as { name: string; pk: number }[]).map((c) => [c.name, c.pk]);
      expect(cols).toEqual([
        ['bundle_id', 1],
        ['content_hash', 0],
        ['stage', 0],
        ['shard_index', 0],
        ['shard_count', 0],
        ['bundle_path', 0],
        ['job_id', 0],
        ['counts_json', 0],
        ['merged_at', 0],
      ]);
      const add = db.prepare("INSERT INTO shard_merges (bundle_id, content_hash, stage, shard_index, shard_count, bundle_path, merged_at) VALUES ('b', 'h', 'generate', 0, 2, '/x', 1)");
      add.run();
      // One record per bundle: the same bundle cannot be recorded twice.
      expect(() => add.run()).toThrow(/UNIQUE/);
      expect(() => db.prepare("INSERT INTO shard_merges (bundle_id, content_hash, stage, shard_index, shard_count, bundle_path, merged_at) VALUES ('c', 'h', 'train', 0, 2, '/x', 1)").run()).toThrow(/CHECK/);
    } finally {
      db.close();
    }
  });
});
