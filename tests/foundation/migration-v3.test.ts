import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/main/store/db';
import { schemaV1 } from '../../src/main/store/schema-v1';
import { schemaV2 } from '../../src/main/store/schema-v2';
import { CandidateRow, GenerateSettings } from '../../src/shared/api';
import { tmpDir } from '../helpers/tmp';

// Schema v3: the objectives were renamed when their direction was fixed (docs/METHOD.md §3). A project made by
// the previous build opens; its candidates say which objective really made them.
describe('schema version 3 (objectives renamed)', () => {
  let t: ReturnType<typeof tmpDir>;
  afterEach(() => t.cleanup());

  it("renames 'code' to 'official' and the old literal 'energy' to 'energy-eq7-literal' in candidates, configs and generate jobs", () => {
    t = tmpDir('synood-schema-v3-');
    const file = path.join(t.dir, 'synood.db');
    const v2 = new Database(file);
    v2.exec(schemaV1);
    v2.exec(schemaV2);
    v2.pragma('user_version = 2');
    const job = v2.prepare("INSERT INTO jobs (kind, title, params_json, status, created_at, status_at) VALUES (?, 't', ?, 'completed', 1, 1)");
    const energyJob = Number(job.run('generate.candidates', JSON.stringify({ settings: { objective: 'energy', lr: 10 } })).lastInsertRowid);
    const codeJob = Number(job.run('generate.candidates', JSON.stringify({ settings: { objective: 'code', lr: 10 } })).lastInsertRowid);
    const otherJob = Number(job.run('train.projection', JSON.stringify({ settings: { objective: 'energy' } })).lastInsertRowid);
    const cand = v2.prepare("INSERT INTO candidates (job_id, seed, objective, config_json, file_path, created_at) VALUES (?, ?, ?, ?, 'x.png', 1)");
    cand.run(energyJob, 0, 'energy', JSON.stringify({ objective: 'energy', lr: 10 }));
    cand.run(codeJob, 0, 'code', JSON.stringify({ objective: 'code', lr: 10 }));
    cand.run(codeJob, 1, 'msp', JSON.stringify({ objective: 'msp' }));
    cand.run(codeJob, 2, 'none', '{}');
    v2.close();

    const db = openDb(file);
    try {
      const rows = db.prepare('SELECT seed, objective, config_json FROM candidates ORDER BY id').all() as { objective: string; config_json: string }[];
      expect(rows.map((r) => [r.objective, JSON.parse(r.config_json).objective ?? null])).toEqual([
        ['energy-eq7-literal', 'energy-eq7-literal'],
        ['official', 'official'],
        ['msp', 'msp'],
        ['none', null],
      ]);
      for (const r of rows) expect(CandidateRow.shape.objective.safeParse(r.objective).success).toBe(true);
      const params = (id: number) => JSON.parse(db.prepare('SELECT params_json FROM jobs WHERE id = ?').pluck().get(id) as string);
      expect(params(energyJob).settings.objective).toBe('energy-eq7-literal');
      expect(params(codeJob).settings.objective).toBe('official');
      // Only generate jobs carry an objective; anything else is left as it was.
      expect(params(otherJob).settings.objective).toBe('energy');
      // The removed reading can be read and shown, but not queued again.
      expect(GenerateSettings.safeParse(params(energyJob).settings).success).toBe(false);
      expect(GenerateSettings.safeParse(params(codeJob).settings).success).toBe(true);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
