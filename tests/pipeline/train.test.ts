import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../src/main/root';
import { createOnnxClipEncoder } from '../../src/main/pipeline/features';
import { readCheckpoint, trainProjection } from '../../src/main/pipeline/train';
import { checkpointEpoch, trainOneEpoch } from '../../src/main/pipeline/train/job-epoch';
import { runFiles } from '../../src/main/pipeline/train/job-paths';
import { readLabelFeaturesFile, readProjectionFile } from '../../src/main/pipeline/train/job-weights';
import { tmpDir, waitFor } from '../helpers/tmp';
import { exec, IND_CLASSES, oodProject, query, seedNegatives, TINY_CLIP, type OodProject } from './ood-project';
import { jobDone, openProbe, value } from './stage-project';

const NOUNS = ['bamboo', 'tree', 'house', 'car', 'fish', 'sky'];
const ADJS = ['red', 'blue'];

interface RunRow {
  status: string;
  error: string | null;
  checkpoint_path: string | null;
  data_json: string;
  model_hashes_json: string;
  started_at: number | null;
  finished_at: number | null;
}

describe('train.projection / train.labels jobs', () => {
  let t: ReturnType<typeof tmpDir>;
  let p: OodProject;
  let studio: Studio;
  let labelIds: number[];
  let accepted: { id: number; file_path: string; label_id: number }[];

  const start = async (config: Record<string, unknown>, name = 'run') => value<{ runId: number; jobId: number }>(await studio.call('train.start', { name, seed: 3, config }));
  const run = (id: number) => query<RunRow>(p.projectDir, 'SELECT * FROM runs WHERE id = ?', id)[0]!;
  const metricRows = (id: number, name: string) => query<{ step: number; epoch: number; value: number }>(p.projectDir, 'SELECT step, epoch, value FROM run_metrics WHERE run_id = ? AND name = ? ORDER BY step', id, name);

  beforeAll(async () => {
    t = tmpDir('synood-train-');
    p = await oodProject(t.dir, { perClass: 4, indTest: 1, candidates: 8 });
    studio = p.studio;
    labelIds = seedNegatives(p.projectDir, NOUNS, ADJS);
    // Curated state as the assign and curate stages leave it: all 8 accepted, labelled with 4 distinct labels.
    const ids = query<{ id: number }>(p.projectDir, 'SELECT id FROM candidates ORDER BY id').map((r) => r.id);
    ids.forEach((id, i) => exec(p.projectDir, "UPDATE candidates SET status = 'accepted', label_id = ?, label_source = 'model' WHERE id = ?", labelIds[[1, 3, 4, 7][i % 4]!]!, id));
    exec(p.projectDir, 'UPDATE images SET selected = 1 WHERE class_id IS NOT NULL');
    accepted = query(p.projectDir, 'SELECT id, file_path, label_id FROM candidates ORDER BY id');
  }, 60_000);
  afterAll(async () => {
    await studio.close();
    t.cleanup();
  });

  it('a 2-epoch projection run writes metrics per step, checkpoints, completes, and equals one uninterrupted training', async () => {
    const { runId, jobId } = await start({ stage: 'projection', epochs: 2, batchSize: 4 });
    expect((await jobDone(studio, jobId)).state.status).toBe('completed');
    const r = run(runId);
    expect(r.status).toBe('completed');
    expect(r.error).toBeNull();
    expect(r.started_at).not.toBeNull();
    expect(r.finished_at).not.toBeNull();
    expect(r.checkpoint_path).toBe(`runs/${runId}/checkpoint.bin`);
    // 12 InD subset images + 8 accepted candidates, batch 4 → 5 steps per epoch.
    const loss = metricRows(runId, 'loss');
    expect(loss.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(loss.map((m) => m.epoch)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect(metricRows(runId, 'accuracy').every((m) => m.value >= 0 && m.value <= 1)).toBe(true);
    expect(metricRows(runId, 'lr')[0]!.value).toBeCloseTo(1e-3, 12);
    expect(readCheckpoint(path.join(p.projectDir, r.checkpoint_path!)).epoch).toBe(2);

    const data = JSON.parse(r.data_json) as Record<string, unknown>;
    const distinct = [...new Set(accepted.map((a) => a.label_id))].sort((a, b) => a - b);
    expect(data).toMatchObject({ acceptedCandidates: 8, indImages: 12, indClasses: 3, labelIds: distinct, weights: `runs/${runId}/projection.bin` });
    expect(data.candidateIdsSha256).toBe(createHash('sha256').update(accepted.map((a) => a.id).join(',')).digest('hex'));
    expect(JSON.parse(r.model_hashes_json)).toHaveProperty('clip');

    // The job trains epoch by epoch through checkpoints; one uninterrupted run on the same data must give the same weights.
    const enc = await createOnnxClipEncoder({
      visionModelPath: path.join(p.clipDir, 'onnx/vision_model.onnx'),
      textModelPath: path.join(p.clipDir, 'onnx/text_model.onnx'),
      tokenizerDir: p.clipDir,
      preprocessing: 'neglabel',
      imageSize: TINY_CLIP.imageSize,
    });
    try {
      const ind = query<{ path: string; name: string }>(p.projectDir, 'SELECT i.path, c.name FROM images i JOIN classes c ON c.id = i.class_id WHERE i.selected = 1 ORDER BY i.id');
      const feats = await enc.encodeImages([...ind.map((i) => path.join(p.projectDir, i.path)), ...accepted.map((a) => path.join(p.projectDir, a.file_path))]);
      const labelWords = distinct.map((id) => {
        const j = labelIds.indexOf(id);
        return j < NOUNS.length ? `the nice ${NOUNS[j]}` : `This is a ${ADJS[j - NOUNS.length]} photo`;
      });
      const text = await enc.encodeTexts([...IND_CLASSES.map((c) => `a nice ${c}`), ...labelWords]);
      const targets = Int32Array.from([...ind.map((i) => IND_CLASSES.indexOf(i.name)), ...accepted.map((a) => 3 + distinct.indexOf(a.label_id))]);
      const whole = await trainProjection({ dim: enc.dim, features: feats, targets, textFeatures: text }, { epochs: 2, batchSize: 4, seed: 3 });
      const saved = readProjectionFile(path.join(p.projectDir, 'runs', String(runId), 'projection.bin'));
      expect(Array.from(saved.weight)).toEqual(Array.from(whole.weights.weight));
      expect(Array.from(saved.lnBias)).toEqual(Array.from(whole.weights.lnBias));
    } finally {
      await enc.release();
    }
  }, 60_000);

  it('stage 2 trains the assigned labels’ features on the accepted candidates only', async () => {
    const { runId, jobId } = await start({ stage: 'labels', epochs: 2, batchSize: 4 }, 'labels');
    expect((await jobDone(studio, jobId)).state.status).toBe('completed');
    expect(run(runId).status).toBe('completed');
    expect(metricRows(runId, 'loss').map((m) => m.step)).toEqual([1, 2, 3, 4]); // 8 candidates, batch 4
    const tuned = readLabelFeaturesFile(path.join(p.projectDir, 'runs', String(runId), 'label-features.bin'));
    expect(tuned.labelIds).toEqual([...new Set(accepted.map((a) => a.label_id))].sort((a, b) => a - b));
    expect(tuned.features).toHaveLength(4 * tuned.dim);
  }, 60_000);

  it('lrSchedule per-epoch anneals once per epoch (torch CosineAnnealingLR stepped at epoch ends); per-step every step; both recorded', async () => {
    const { runId, jobId } = await start({ stage: 'projection', epochs: 2, batchSize: 4, lrSchedule: 'per-epoch' }, 'per epoch');
    expect((await jobDone(studio, jobId)).state.status).toBe('completed');
    // lr_e = η_min + (η − η_min)(1 + cos(π·e/E))/2 for epoch e = 0, 1 of E = 2: 1e-3, then 5.05e-4; 5 steps each.
    const expected = [0, 1].flatMap((e) => Array<number>(5).fill(1e-5 + ((1e-3 - 1e-5) * (1 + Math.cos((Math.PI * e) / 2))) / 2));
    const lr = metricRows(runId, 'lr').map((m) => m.value);
    expect(lr).toHaveLength(10);
    lr.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 12));
    expect((await studio.call('run.get', { id: runId })).ok && value<{ config: { lrSchedule: string } }>(await studio.call('run.get', { id: runId })).config.lrSchedule).toBe('per-epoch');
    // Per step: T = 10 steps, so the second step already anneals.
    const perStep = await start({ stage: 'projection', epochs: 2, batchSize: 4 }, 'per step');
    expect((await jobDone(studio, perStep.jobId)).state.status).toBe('completed');
    expect(metricRows(perStep.runId, 'lr')[1]!.value).toBeCloseTo(1e-5 + ((1e-3 - 1e-5) * (1 + Math.cos(Math.PI / 10))) / 2, 12);
  }, 60_000);

  it('an empty class fails the run with an error naming it', async () => {
    exec(p.projectDir, "UPDATE images SET selected = 0 WHERE class_id IN (SELECT id FROM classes WHERE name = 'fox')");
    try {
      const { runId, jobId } = await start({ stage: 'projection', epochs: 1, batchSize: 4 }, 'no fox');
      expect((await jobDone(studio, jobId)).state.status).toBe('failed');
      const r = run(runId);
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(/empty class: 'fox'/);
    } finally {
      exec(p.projectDir, 'UPDATE images SET selected = 1 WHERE class_id IS NOT NULL');
    }
  }, 60_000);

  it('a job process killed with SIGKILL mid-run resumes at the epoch boundary with no metric row lost or doubled', async () => {
    const epochs = 24;
    const { runId, jobId } = await start({ stage: 'projection', epochs, batchSize: 4 }, 'killed');
    const probe = openProbe(p.projectDir);
    const doneEpochs = () => probe.prepare("SELECT count(*) FROM job_items WHERE job_id = ? AND status = 'done'").pluck().get(jobId) as number;
    await waitFor(() => doneEpochs() >= 3, 60_000, 5);
    const pid = studio.jobProcessPid!;
    const stopping = studio.close();
    process.kill(pid, 'SIGKILL');
    await stopping;
    const atKill = doneEpochs();
    expect(atKill).toBeLessThan(epochs);

    studio = new Studio({ transport: 'direct', homeDir: p.home });
    value(await studio.call('project.open', { dir: p.projectDir }));
    expect((await jobDone(studio, jobId)).state.status).toBe('completed');
    probe.close();
    expect(run(runId).status).toBe('completed');
    const steps = epochs * 5;
    for (const name of ['loss', 'accuracy', 'lr']) {
      const rows = metricRows(runId, name);
      expect(rows).toHaveLength(steps);
      expect(rows.map((m) => m.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
    }
    const items = query<{ attempts: number; status: string }>(p.projectDir, 'SELECT attempts, status FROM job_items WHERE job_id = ?', jobId);
    expect(items.every((i) => i.status === 'done' && i.attempts === 1)).toBe(true);
  }, 60_000);
});

describe('one epoch per job item', () => {
  // 8 overlapping 4-d samples of 2 classes (a non-zero loss): 2 steps per epoch at batch 4.
  const data = {
    dim: 4,
    features: Float32Array.from({ length: 32 }, (_, i) => Math.sin(i * 1.7) + 0.3),
    targets: Int32Array.from({ length: 8 }, (_, i) => i % 2),
    textFeatures: Float32Array.from([1, 0, 0, 0, 0, 0, 1, 0]),
  };
  const train = (hooks: Parameters<Parameters<typeof trainOneEpoch>[4]>[0]) => trainProjection(data, { epochs: 3, batchSize: 4, seed: 0, ...hooks });
  const never = new AbortController().signal;

  it('stops after its own epoch, and an epoch checkpointed but never committed is not trained twice', async () => {
    const t = tmpDir('synood-epoch-');
    try {
      const files = runFiles(t.dir, 1);
      const first = await trainOneEpoch(1, 2, files, never, train);
      expect(first.map((m) => [m.epoch, m.globalStep])).toEqual([[0, 0], [0, 1]]);
      expect(checkpointEpoch(files.checkpoint)).toBe(1);
      // As after a kill between the checkpoint and the item's commit: the item runs again.
      expect(await trainOneEpoch(1, 2, files, never, train)).toEqual(first);
      expect(checkpointEpoch(files.checkpoint)).toBe(1);
      const second = await trainOneEpoch(2, 2, files, never, train);
      expect(second.map((m) => [m.epoch, m.globalStep])).toEqual([[1, 2], [1, 3]]);
      await expect(trainOneEpoch(2, 2, runFiles(t.dir, 2), never, train)).rejects.toThrow(/epoch 1 has not finished/);
    } finally {
      t.cleanup();
    }
  }, 30_000);
});
