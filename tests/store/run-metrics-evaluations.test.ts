import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb, type Db } from '../../src/main/store/db';
import { countEvaluatedSets, evaluationCurvesJson, insertEvaluation, latestEvaluationRows, type NewEvaluation } from '../../src/main/store/evaluations';
import { allMetrics, metricNames, metricPoints, putMetric } from '../../src/main/store/run-metrics';
import { insertRun } from '../../src/main/store/runs';
import { tmpDir } from '../helpers/tmp';

describe('store: run metrics and evaluations', () => {
  const t = tmpDir('synood-store-metrics-');
  afterAll(() => t.cleanup());
  let n = 0;
  const fresh = (): { db: Db; runId: number } => {
    const db = openDb(path.join(t.dir, `${++n}.db`));
    return { db, runId: insertRun(db, { kind: 'projection', name: 'r', configJson: '{}', seed: 0, status: 'running', createdAt: 1 }) };
  };

  it('writing a step again replaces it; series come back by name, each by step', () => {
    const { db, runId } = fresh();
    putMetric(db, runId, 'loss', 20, 2, 0.5);
    putMetric(db, runId, 'loss', 10, 1, 0.9);
    putMetric(db, runId, 'accuracy', 10, 1, 0.3);
    putMetric(db, runId, 'loss', 20, 2, 0.4); // the epoch redone after a crash
    expect(metricNames(db, runId)).toEqual(['accuracy', 'loss']);
    expect(metricPoints(db, runId, 'loss')).toEqual([
      { step: 10, epoch: 1, value: 0.9 },
      { step: 20, epoch: 2, value: 0.4 },
    ]);
    expect(allMetrics(db, runId)).toEqual([
      { name: 'accuracy', step: 10, epoch: 1, value: 0.3 },
      { name: 'loss', step: 10, epoch: 1, value: 0.9 },
      { name: 'loss', step: 20, epoch: 2, value: 0.4 },
    ]);
    expect(metricNames(db, runId + 1)).toEqual([]);
    db.close();
  });

  it('the newest evaluation per OOD set is the one listed, in the order written', () => {
    const { db, runId } = fresh();
    const ev = (oodName: string, auroc: number, curvesJson: string | null): NewEvaluation => ({
      runId,
      oodDatasetId: null,
      oodName,
      auroc,
      fpr95Mos: 0.5,
      fpr95OpenOod: 0.4,
      auprIn: null,
      auprOut: 0.7,
      nInd: 10,
      nOod: 5,
      switchesJson: '{}',
      curvesJson,
      createdAt: 1,
    });
    const first = insertEvaluation(db, ev('inat', 0.8, '{"roc":1}'));
    insertEvaluation(db, ev('sun', 0.7, null));
    const again = insertEvaluation(db, ev('inat', 0.9, null));
    const rows = latestEvaluationRows(db, runId);
    expect(rows.map((r) => [r.ood_name, r.auroc])).toEqual([
      ['sun', 0.7],
      ['inat', 0.9],
    ]);
    expect(rows[1]).toMatchObject({ id: again, run_id: runId, ood_dataset_id: null, aupr_in: null, aupr_out: 0.7, n_ind: 10, n_ood: 5, switches_json: '{}' });
    expect(countEvaluatedSets(db, runId)).toBe(2);
    // Curves: text when written, null when the row has none, undefined when there is no such row.
    expect(evaluationCurvesJson(db, first)).toBe('{"roc":1}');
    expect(evaluationCurvesJson(db, again)).toBeNull();
    expect(evaluationCurvesJson(db, 999)).toBeUndefined();
    db.close();
  });
});
