import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { candidateDetailExtra, insertGenerated } from '../../src/main/store/candidates';
import { openDb } from '../../src/main/store/db';
import { schemaV1 } from '../../src/main/store/schema-v1';
import { schemaV2 } from '../../src/main/store/schema-v2';
import { schemaV3 } from '../../src/main/store/schema-v3';
import { schemaV4 } from '../../src/main/store/schema-v4';
import { schemaV5 } from '../../src/main/store/schema-v5';
import { tmpDir } from '../helpers/tmp';

// Schema v6: candidates record their unguided image. A project made by the previous build opens; its candidates
// have none (null), and new ones record theirs.
describe('schema version 6 (unguided image path)', () => {
  let t: ReturnType<typeof tmpDir>;
  afterEach(() => t.cleanup());

  it('adds candidates.unguided_path, null for the candidates already there, and keeps their other columns', () => {
    t = tmpDir('synood-schema-v6-');
    const file = path.join(t.dir, 'synood.db');
    const v5 = new Database(file);
    for (const sql of [schemaV1, schemaV2, schemaV3, schemaV4, schemaV5]) v5.exec(sql);
    v5.pragma('user_version = 5');
    const old = Number(v5.prepare("INSERT INTO candidates (seed, objective, config_json, file_path, thumb_path, created_at) VALUES (4, 'official', '{}', 'candidates/1/a.png', 'thumbs/a.jpg', 1)").run().lastInsertRowid);
    expect(v5.prepare("SELECT count(*) FROM pragma_table_info('candidates') WHERE name = 'unguided_path'").pluck().get()).toBe(0);
    v5.close();

    const db = openDb(file);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(6);
      const before = db.prepare('SELECT seed, objective, file_path, thumb_path, unguided_path FROM candidates WHERE id = ?').get(old);
      expect(before).toEqual({ seed: 4, objective: 'official', file_path: 'candidates/1/a.png', thumb_path: 'thumbs/a.jpg', unguided_path: null });
      expect(candidateDetailExtra(db, old)?.unguided_path).toBeNull();
      const jobId = Number(db.prepare("INSERT INTO jobs (kind, title, params_json, status, created_at, status_at) VALUES ('generate.candidates', 't', '{}', 'completed', 1, 1)").run().lastInsertRowid);
      const fresh = insertGenerated(db, {
        sourceImageId: null as unknown as number,
        classId: null,
        promptVersionId: null,
        jobId,
        seed: 5,
        objective: 'official',
        configJson: '{}',
        lossesJson: '[]',
        energy: null,
        msp: null,
        sourceClassProb: null,
        filePath: 'candidates/2/b.png',
        thumbPath: null,
        unguidedPath: 'candidates/2/unguided/b.png',
        previewsJson: '[]',
        timingsJson: '{}',
        createdAt: 2,
      });
      expect(candidateDetailExtra(db, fresh)?.unguided_path).toBe('candidates/2/unguided/b.png');
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
