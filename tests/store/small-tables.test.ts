import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classesOfDataset, classesWithImageCounts, countIndTrainClasses, indTrainClassRows, insertClass } from '../../src/main/store/classes';
import { openDb, type Db } from '../../src/main/store/db';
import { assignmentHistory, insertModelAssignment } from '../../src/main/store/label-assignments';
import { modelHashes, modelListRows, modelProvider, newestModelOfRole, insertModelRow } from '../../src/main/store/models';
import { upsertScoredLabel } from '../../src/main/store/neg-labels';
import { importedBundlePath, importedOriginJson, insertRunImport, listRunImports, runIdOfBundle } from '../../src/main/store/run-imports';
import { putMetric } from '../../src/main/store/run-metrics';
import { insertRun, markRunCancelled } from '../../src/main/store/runs';
import { insertShardMerge, shardMergeOf } from '../../src/main/store/shard-merges';
import { pluckStmt, stmt } from '../../src/main/store/statement-cache';
import { tmpDir } from '../helpers/tmp';

describe('store: classes, assignments, models, run imports, shard merges', () => {
  const t = tmpDir('synood-store-small-');
  afterAll(() => t.cleanup());
  let n = 0;
  const fresh = () => openDb(path.join(t.dir, `${++n}.db`));
  // Datasets and images belong to another store module; the fixtures write them directly.
  const dataset = (db: Db, name: string, kind: string) =>
    Number(db.prepare("INSERT INTO datasets (name, kind, source_path, source_json, created_at) VALUES (?, ?, '/src', '{}', 0)").run(name, kind).lastInsertRowid);

  it('classes: import order, usable image counts, and the InD-train label set dataset by dataset', () => {
    const db = fresh();
    const train = dataset(db, 'train', 'ind-train');
    const test = dataset(db, 'test', 'ind-test');
    const train2 = dataset(db, 'train2', 'ind-train');
    const dog = insertClass(db, train, 'dog', 1);
    const cat = insertClass(db, train, 'cat', 0);
    insertClass(db, test, 'dog', 0);
    const owl = insertClass(db, train2, 'owl', 0);
    const img = db.prepare('INSERT INTO images (dataset_id, class_id, path, bytes, skip_reason) VALUES (?, ?, ?, 1, ?)');
    img.run(train, dog, 'a.jpg', null);
    img.run(train, dog, 'b.jpg', null);
    img.run(train, dog, 'c.jpg', 'unreadable');
    expect(classesOfDataset(db, train)).toEqual([
      { id: cat, name: 'cat' },
      { id: dog, name: 'dog' },
    ]);
    expect(classesWithImageCounts(db, train)).toEqual([
      { id: cat, name: 'cat', imageCount: 0 },
      { id: dog, name: 'dog', imageCount: 2 },
    ]);
    expect(indTrainClassRows(db).map((c) => c.name)).toEqual(['cat', 'dog', 'owl']);
    expect(indTrainClassRows(db)[2]!.id).toBe(owl);
    expect(countIndTrainClasses(db)).toBe(3);
    db.close();
  });

  it('label assignments: a candidate’s history with its words, newest first', () => {
    const db = fresh();
    upsertScoredLabel(db, 'rock', 'noun', 't', 0);
    upsertScoredLabel(db, 'moss', 'noun', 't', 0);
    db.prepare("INSERT INTO candidates (id, seed, objective, file_path, created_at) VALUES (7, 0, 'official', 'c.png', 0)").run();
    insertModelAssignment(db, 7, 1, 0.6, 0.2, 100);
    insertModelAssignment(db, 7, 2, 0.7, 0.3, 200);
    expect(assignmentHistory(db, 7)).toEqual([
      { label: 'moss', prob: 0.7, margin: 0.3, source: 'model', createdAt: 200 },
      { label: 'rock', prob: 0.6, margin: 0.2, source: 'model', createdAt: 100 },
    ]);
    expect(assignmentHistory(db, 8)).toEqual([]);
    db.close();
  });

  it('models: the newest of a role is the one used; the list groups by role, newest first', () => {
    const db = fresh();
    const rec = (role: 'clip' | 'vlm', p: string, provider: string | null) => ({ role, path: p, sha256: p, signature_json: '{}', validation_json: '{"ok":true}', provider });
    const c1 = insertModelRow(db, rec('clip', 'c1', 'cpu'), 1);
    const v1 = insertModelRow(db, rec('vlm', 'v1', null), 2);
    const c2 = insertModelRow(db, rec('clip', 'c2', 'cuda'), 3);
    expect(newestModelOfRole(db, 'clip')).toEqual({ id: c2, role: 'clip', path: 'c2', sha256: 'c2' });
    expect(newestModelOfRole(db, 'classifier')).toBeUndefined();
    expect(modelListRows(db).map((m) => m.id)).toEqual([c2, c1, v1]);
    expect(modelHashes(db).map((m) => m.path)).toEqual(['c1', 'c2', 'v1']);
    expect(modelProvider(db, c2)).toBe('cuda');
    expect(modelProvider(db, v1)).toBeNull();
    expect(modelProvider(db, 99)).toBeUndefined();
    db.close();
  });

  it('run imports: found by hash and run; the run becomes read-only', () => {
    const db = fresh();
    const run = insertRun(db, { kind: 'labels', name: 'f', configJson: '{}', seed: 0, status: 'completed', createdAt: 1 });
    const own = insertRun(db, { kind: 'labels', name: 'o', configJson: '{}', seed: 0, status: 'completed', createdAt: 1 });
    insertRunImport(db, { runId: run, bundleSha256: 'abc', formatVersion: 1, originJson: '{"projectName":"p"}', bundlePath: 'runs/1/b.synood-run', importedAt: 5 });
    expect(runIdOfBundle(db, 'abc')).toBe(run);
    expect(runIdOfBundle(db, 'def')).toBeUndefined();
    expect(importedBundlePath(db, run)).toBe('runs/1/b.synood-run');
    expect(importedBundlePath(db, own)).toBeUndefined();
    expect(importedOriginJson(db, run)).toBe('{"projectName":"p"}');
    expect(listRunImports(db)).toEqual([{ run_id: run, origin_json: '{"projectName":"p"}' }]);
    expect(() => markRunCancelled(db, run)).toThrow(/read-only/);
    expect(() => putMetric(db, run, 'loss', 1, 1, 0.5)).toThrow(/read-only/);
    markRunCancelled(db, own);
    db.close();
  });

  it('shard merges: the record a rerun is checked against', () => {
    const db = fresh();
    expect(shardMergeOf(db, 'b-1')).toBeUndefined();
    insertShardMerge(db, { bundleId: 'b-1', contentHash: 'h', stage: 'generate', shardIndex: 0, shardCount: 2, bundlePath: '/x', jobId: null, countsJson: '{"candidates":3}', mergedAt: 9 });
    expect(shardMergeOf(db, 'b-1')).toEqual({ content_hash: 'h', merged_at: 9, job_id: null, counts_json: '{"candidates":3}' });
    expect(() => insertShardMerge(db, { bundleId: 'b-1', contentHash: 'h2', stage: 'describe', shardIndex: 1, shardCount: 2, bundlePath: '/y', jobId: null, countsJson: '{}', mergedAt: 10 })).toThrow(/UNIQUE/);
    db.close();
  });

  it('statement cache: one compiled statement per connection and SQL, row and pluck modes apart', () => {
    const a = fresh();
    const b = fresh();
    const sql = 'SELECT count(*) AS n FROM runs';
    expect(stmt(a, sql)).toBe(stmt(a, sql));
    expect(stmt(b, sql)).not.toBe(stmt(a, sql));
    expect(stmt(a, sql).get()).toEqual({ n: 0 });
    expect(pluckStmt(a, sql).get()).toBe(0);
    expect(stmt(a, sql).get()).toEqual({ n: 0 });
    a.close();
    b.close();
  });
});
