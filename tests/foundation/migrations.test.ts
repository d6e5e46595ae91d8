import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/main/store/db';
import { LATEST_SCHEMA_VERSION, NewerSchemaError } from '../../src/main/store/migrations';
import { tmpDir } from '../helpers/tmp';

const tables = ['project', 'datasets', 'classes', 'images', 'prompt_versions', 'candidates', 'decisions', 'neg_labels', 'label_assignments', 'models', 'runs', 'run_metrics', 'evaluations', 'jobs', 'job_items', 'feature_cache'];

describe('store migrations', () => {
  let t: ReturnType<typeof tmpDir>;
  afterEach(() => t.cleanup());

  it('migrates an empty file to the latest schema with WAL and foreign keys on', () => {
    t = tmpDir();
    const file = path.join(t.dir, 'synood.db');
    const db = openDb(file);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    for (const name of tables) expect(names).toContain(name);
    expect(() => db.prepare('INSERT INTO classes (dataset_id, name, idx) VALUES (999, ?, 0)').run('x')).toThrow(/FOREIGN KEY/);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    // Reopening is a no-op migration.
    const again = openDb(file);
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    again.close();
  });

  it('every gallery sort column has an index that ends in id', () => {
    t = tmpDir();
    const db = openDb(path.join(t.dir, 'synood.db'));
    for (const col of ['created_at', 'energy', 'msp', 'neglabel_score', 'source_class_prob', 'label_margin', 'status', 'class_id', 'objective', 'label_id']) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM candidates WHERE ${col} IS NOT NULL ORDER BY ${col} DESC, id DESC LIMIT 10`).all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' | ')).toMatch(/USING (COVERING )?INDEX/);
      expect(plan.map((p) => p.detail).join(' | ')).not.toMatch(/TEMP B-TREE/);
    }
    db.close();
  });

  it('refuses a file from a newer schema version and leaves it untouched', () => {
    t = tmpDir();
    const file = path.join(t.dir, 'future.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    raw.exec('CREATE TABLE marker (x)');
    raw.close();
    const before = fs.readFileSync(file);
    expect(() => openDb(file)).toThrow(NewerSchemaError);
    expect(() => openDb(file)).toThrow(/newer SynOOD Studio \(schema version/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
