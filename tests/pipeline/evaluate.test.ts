import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluationScoresFile } from '../../src/main/pipeline/evaluate/job';
import { exportRunScorer } from '../../src/main/pipeline/evaluate/job-export';
import { createOnnxClipEncoder, preprocessInto } from '../../src/main/pipeline/features';
import { EvaluationCurves } from '../../src/shared/api/routes/evaluations';
import { tmpDir } from '../helpers/tmp';
import { exec, IND_CLASSES, oodProject, query, seedNegatives, TINY_CLIP, type OodProject } from './ood-project';
import { jobDone, value } from './stage-project';

const NOUNS = ['bamboo', 'tree', 'house', 'car', 'fish', 'sky', 'water', 'leaf', 'railing'];
const ADJS = ['red', 'blue', 'green'];

interface EvalRow {
  ood_dataset_id: number;
  ood_name: string;
  auroc: number;
  fpr95_mos: number;
  fpr95_openood: number;
  aupr_in: number;
  aupr_out: number;
  n_ind: number;
  n_ood: number;
  switches_json: string;
  curves_json: string;
}

/** AUROC by pair counting: P(InD score > OOD score) + ½ P(tie), over all nInd·nOod pairs. */
function pairAuroc(ind: number[], ood: number[]): number {
  let wins = 0;
  for (const a of ind) for (const b of ood) wins += a > b ? 1 : a === b ? 0.5 : 0;
  return wins / (ind.length * ood.length);
}

function unit(v: Float32Array): number[] {
  const n = Math.hypot(...v);
  return Array.from(v, (x) => x / n);
}
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('evaluate.run job', () => {
  let t: ReturnType<typeof tmpDir>;
  let p: OodProject;
  const evaluations = (runId: number) => query<EvalRow>(p.projectDir, 'SELECT * FROM evaluations WHERE run_id = ? ORDER BY id', runId);
  const scoresOf = (runId: number, jobId: number, oodId: number) =>
    JSON.parse(fs.readFileSync(evaluationScoresFile(path.join(p.projectDir, 'runs'), runId, jobId, oodId), 'utf8')) as { ind: number[]; ood: number[] };

  const evaluate = async (runId: number, switches?: { projection: boolean; tunedLabels: boolean }) => {
    const { jobId, sets } = value<{ jobId: number; sets: number }>(await p.studio.call('evaluate.start', { runId, ...(switches ? { switches } : {}) }));
    expect(sets).toBe(2);
    expect((await jobDone(p.studio, jobId)).state.status).toBe('completed');
    const rows = evaluations(runId).slice(-2);
    expect(rows.map((r) => r.ood_name)).toEqual(['ood-0', 'ood-1']);
    for (const r of rows) {
      const s = scoresOf(runId, jobId, r.ood_dataset_id);
      expect([r.n_ind, r.n_ood]).toEqual([s.ind.length, s.ood.length]);
      expect(r.auroc).toBeCloseTo(pairAuroc(s.ind, s.ood), 12);
      for (const v of [r.fpr95_mos, r.fpr95_openood, r.aupr_in, r.aupr_out]) expect(v >= 0 && v <= 1).toBe(true);
      const curves = EvaluationCurves.parse(JSON.parse(r.curves_json));
      expect(curves.roc.fpr.length).toBeLessThanOrEqual(1000);
      expect(curves.roc.fpr.at(-1)).toBe(1);
      expect(curves.hist.ind.reduce((a, b) => a + b, 0)).toBe(s.ind.length);
      expect(curves.hist.ood.reduce((a, b) => a + b, 0)).toBe(s.ood.length);
    }
    return { jobId, rows, switches: rows.map((r) => JSON.parse(r.switches_json) as Record<string, unknown>) };
  };

  beforeAll(async () => {
    t = tmpDir('synood-evaluate-');
    p = await oodProject(t.dir, { perClass: 3, indTest: 12, oodSets: 2, oodSize: 10, candidates: 6 });
    const labelIds = seedNegatives(p.projectDir, NOUNS, ADJS);
    const ids = query<{ id: number }>(p.projectDir, 'SELECT id FROM candidates ORDER BY id').map((r) => r.id);
    ids.forEach((id, i) => exec(p.projectDir, "UPDATE candidates SET status = 'accepted', label_id = ?, label_source = 'model' WHERE id = ?", labelIds[[0, 2, 9][i % 3]!]!, id));
    exec(p.projectDir, 'UPDATE images SET selected = 1 WHERE class_id IS NOT NULL');
  }, 60_000);
  afterAll(async () => {
    await p.studio.close();
    t.cleanup();
  });

  it('scores the zero-shot baseline as plain NegLabel and stores metrics per OOD set', async () => {
    const baseline = value<{ id: number }>(await p.studio.call('run.baseline', {}));
    const { jobId, rows, switches } = await evaluate(baseline.id);
    for (const s of switches) expect(s).toMatchObject({ projection: false, tunedLabels: false, projectionRunId: null, tunedLabelsRunId: null, ngroups: 12, negatives: 12, classes: 3 });

    // The InD scores re-derived: 12 labels → 12 groups of one, so S = mean over labels of the InD softmax mass.
    const enc = await createOnnxClipEncoder({
      visionModelPath: path.join(p.clipDir, 'onnx/vision_model.onnx'),
      textModelPath: path.join(p.clipDir, 'onnx/text_model.onnx'),
      tokenizerDir: p.clipDir,
      preprocessing: 'neglabel',
      imageSize: TINY_CLIP.imageSize,
    });
    try {
      const d = enc.dim;
      const neg = await enc.encodeTexts([...NOUNS.map((w) => `the nice ${w}`), ...ADJS.map((w) => `This is a ${w} photo`)]);
      const cls = await enc.encodeTexts(IND_CLASSES.map((c) => `the nice ${c}`));
      const ind = query<{ path: string }>(p.projectDir, "SELECT path FROM images WHERE dataset_id = (SELECT id FROM datasets WHERE kind = 'ind-test') ORDER BY id");
      const imgs = await enc.encodeImages(ind.map((i) => path.join(p.projectDir, i.path)));
      const expected = ind.map((_, i) => {
        const x = unit(imgs.subarray(i * d, (i + 1) * d));
        const posL = IND_CLASSES.map((_, k) => 100 * dot(x, unit(cls.subarray(k * d, (k + 1) * d))));
        const negL = [...NOUNS, ...ADJS].map((_, j) => 100 * dot(x, unit(neg.subarray(j * d, (j + 1) * d))));
        const m = Math.max(...posL, ...negL);
        const pos = posL.reduce((s, v) => s + Math.exp(v - m), 0);
        return negL.reduce((s, v) => s + pos / (pos + Math.exp(v - m)), 0) / negL.length;
      });
      const got = scoresOf(baseline.id, jobId, rows[0]!.ood_dataset_id).ind;
      got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
    } finally {
      await enc.release();
    }
  }, 60_000);

  it('scores a projection run with the newest labels run’s tuned features, records what it used, and exports scorer.onnx', async () => {
    const proj = value<{ runId: number; jobId: number }>(await p.studio.call('train.start', { name: 'p', seed: 1, config: { stage: 'projection', epochs: 2, batchSize: 8 } }));
    const labels = value<{ runId: number; jobId: number }>(await p.studio.call('train.start', { name: 'l', seed: 1, config: { stage: 'labels', epochs: 2, batchSize: 4 } }));
    expect((await jobDone(p.studio, proj.jobId)).state.status).toBe('completed');
    expect((await jobDone(p.studio, labels.jobId)).state.status).toBe('completed');

    const both = await evaluate(proj.runId);
    for (const s of both.switches) {
      expect(s).toMatchObject({ projection: true, tunedLabels: true, projectionRunId: proj.runId, tunedLabelsRunId: labels.runId, tunedLabelsApplied: 3, requested: { projection: true, tunedLabels: true } });
    }
    const projOnly = await evaluate(proj.runId, { projection: true, tunedLabels: false });
    for (const s of projOnly.switches) expect(s).toMatchObject({ projection: true, tunedLabels: false, tunedLabelsRunId: null });
    const bothInd = scoresOf(proj.runId, both.jobId, both.rows[0]!.ood_dataset_id).ind;
    expect(bothInd).not.toEqual(scoresOf(proj.runId, projOnly.jobId, projOnly.rows[0]!.ood_dataset_id).ind);

    // scorer.onnx, run on pixels preprocessed as the studio does, reproduces the evaluation's InD scores.
    const out = path.join(t.dir, 'scorer.onnx');
    const { used } = await exportRunScorer(p.projectDir, proj.runId, out);
    expect(used).toMatchObject({ projectionRunId: proj.runId, tunedLabelsRunId: labels.runId });
    const ind = query<{ path: string }>(p.projectDir, "SELECT path FROM images WHERE dataset_id = (SELECT id FROM datasets WHERE kind = 'ind-test') ORDER BY id");
    const s = TINY_CLIP.imageSize;
    const pixels = new Float32Array(ind.length * 3 * s * s);
    for (let i = 0; i < ind.length; i++) await preprocessInto(path.join(p.projectDir, ind[i]!.path), 'neglabel', s, pixels, i * 3 * s * s);
    const session = await ort.InferenceSession.create(out);
    try {
      const res = await session.run({ pixel_values: new ort.Tensor('float32', pixels, [ind.length, 3, s, s]) });
      const scores = res.ood_score!.data as Float32Array;
      bothInd.forEach((v, i) => expect(scores[i]!).toBeCloseTo(v, 4));
    } finally {
      await session.release();
    }
  }, 60_000);
});
