import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/main/store/db';
import {
  completedRunIdsLatestFirst,
  firstRunIdOfKind,
  getRun,
  insertRun,
  markRunCancelled,
  markRunCompleted,
  markRunFailed,
  markRunQueued,
  markRunRunning,
  runDataJson,
  runIdsNewestFirst,
  setRunCheckpoint,
  setRunDataJson,
} from '../../src/main/store/runs';
import { tmpDir } from '../helpers/tmp';

describe('store: runs', () => {
  const t = tmpDir('synood-store-runs-');
  afterAll(() => t.cleanup());
  let n = 0;
  const fresh = () => openDb(path.join(t.dir, `${++n}.db`));

  it('a run left without JSON columns, error or times gets the schema defaults', () => {
    const db = fresh();
    const id = insertRun(db, { kind: 'projection', name: 'p', configJson: '{"lr":1}', seed: 3, status: 'queued', createdAt: 10 });
    expect(getRun(db, id)).toEqual({
      id,
      kind: 'projection',
      name: 'p',
      config_json: '{"lr":1}',
      seed: 3,
      model_hashes_json: '{}',
      data_json: '{}',
      status: 'queued',
      error: null,
      checkpoint_path: null,
      created_at: 10,
      started_at: null,
      finished_at: null,
    });
    expect(getRun(db, id + 1)).toBeUndefined();
    db.close();
  });

  it('lists newest first, finds the oldest of a kind, and ranks completed runs by finish time then id', () => {
    const db = fresh();
    const add = (kind: string, status: 'completed' | 'failed' | 'running', finishedAt: number | null) =>
      insertRun(db, { kind, name: kind, configJson: '{}', seed: 0, status, createdAt: 1, finishedAt });
    const z1 = add('zero-shot', 'completed', 5);
    const a = add('projection', 'completed', 100);
    const b = add('projection', 'completed', 300);
    const c = add('projection', 'failed', 900);
    const d = add('projection', 'completed', 300);
    add('zero-shot', 'completed', 6);
    expect(runIdsNewestFirst(db)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(firstRunIdOfKind(db, 'zero-shot')).toBe(z1);
    expect(firstRunIdOfKind(db, 'labels')).toBeUndefined();
    // Equal finish times: the newer run first. A failed run is never a source, however recent.
    expect(completedRunIdsLatestFirst(db, 'projection')).toEqual([d, b, a]);
    expect(completedRunIdsLatestFirst(db, 'projection')).not.toContain(c);
    db.close();
  });

  it('a training job starting again keeps the first start time and a completed run stays completed', () => {
    const db = fresh();
    const id = insertRun(db, { kind: 'labels', name: 'l', configJson: '{}', seed: 0, status: 'queued', createdAt: 1 });
    markRunRunning(db, id, 50, '{"a":1}', '{"clip":"x"}');
    expect(getRun(db, id)).toMatchObject({ status: 'running', started_at: 50, data_json: '{"a":1}', model_hashes_json: '{"clip":"x"}', finished_at: null });
    markRunFailed(db, id, 'diverged', 60);
    expect(getRun(db, id)).toMatchObject({ status: 'failed', error: 'diverged', finished_at: 60 });
    markRunRunning(db, id, 70, '{"a":2}', '{}');
    expect(getRun(db, id)).toMatchObject({ status: 'running', error: null, started_at: 50, finished_at: null });
    setRunCheckpoint(db, id, 'runs/1/checkpoint.json');
    markRunCompleted(db, id, 80, '{"weights":"w"}');
    expect(getRun(db, id)).toMatchObject({ status: 'completed', finished_at: 80, checkpoint_path: 'runs/1/checkpoint.json' });
    expect(runDataJson(db, id)).toBe('{"weights":"w"}');
    // Killed after the last epoch's commit and restarted: still completed, finish time kept.
    markRunRunning(db, id, 90, '{"b":1}', '{}');
    expect(getRun(db, id)).toMatchObject({ status: 'completed', finished_at: 80, started_at: 50, data_json: '{"b":1}' });
    db.close();
  });

  it('stop and resume: cancelled keeps the error, queued clears it', () => {
    const db = fresh();
    const id = insertRun(db, { kind: 'labels', name: 'l', configJson: '{}', seed: 0, status: 'running', error: 'old', createdAt: 1 });
    markRunCancelled(db, id);
    expect(getRun(db, id)).toMatchObject({ status: 'cancelled', error: 'old' });
    markRunQueued(db, id);
    expect(getRun(db, id)).toMatchObject({ status: 'queued', error: null });
    setRunDataJson(db, id, '{"manifest":"m"}');
    expect(runDataJson(db, id)).toBe('{"manifest":"m"}');
    expect(runDataJson(db, id + 1)).toBeUndefined();
    db.close();
  });
});
