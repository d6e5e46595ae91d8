import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxClipEncoder } from '../../src/main/pipeline/features';
import { tmpDir } from '../helpers/tmp';
import { IND_CLASSES, oodProject, query, seedNegatives, TINY_CLIP, type OodProject } from './ood-project';
import { jobDone, value } from './stage-project';

interface CandidateRow {
  id: number;
  file_path: string;
  status: string;
  label_id: number | null;
  label_source: string | null;
  label_margin: number | null;
  neglabel_score: number | null;
}

const NOUNS = ['bamboo', 'tree', 'house', 'car', 'fish', 'sky', 'water', 'leaf'];
const ADJS = ['red', 'blue', 'green'];

function unit(v: Float32Array): number[] {
  const n = Math.hypot(...v);
  return Array.from(v, (x) => x / n);
}
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('labels.assign job', () => {
  let t: ReturnType<typeof tmpDir>;
  let p: OodProject;
  let labelIds: number[];
  let candidateIds: number[];
  const candidates = () => query<CandidateRow>(p.projectDir, 'SELECT * FROM candidates ORDER BY id');

  beforeAll(async () => {
    t = tmpDir('synood-assign-');
    p = await oodProject(t.dir, { perClass: 2, indTest: 1, candidates: 9 });
    labelIds = seedNegatives(p.projectDir, NOUNS, ADJS);
    candidateIds = candidates().map((c) => c.id);
  }, 60_000);
  afterAll(async () => {
    await p.studio.close();
    t.cleanup();
  });

  it('labels the accepted candidates with the top-1 negative label and their NegLabel score; a human relabel stays', async () => {
    const accepted = candidateIds.slice(0, 6);
    const human = accepted[0]!;
    value(await p.studio.call('curation.decide', { target: { type: 'ids', ids: accepted }, decision: { status: 'accepted' } }));
    value(await p.studio.call('curation.decide', { target: { type: 'ids', ids: [human] }, decision: { labelId: labelIds[10]! } }));

    const { jobId, candidates: n } = value<{ jobId: number; candidates: number }>(await p.studio.call('labels.assign', { scope: 'accepted' }));
    expect(n).toBe(6);
    expect((await jobDone(p.studio, jobId)).state.status).toBe('completed');

    // Independent re-derivation: encode the same images and prompts, softmax(100·cos) over the negatives written out.
    const enc = await createOnnxClipEncoder({
      visionModelPath: path.join(p.clipDir, 'onnx/vision_model.onnx'),
      textModelPath: path.join(p.clipDir, 'onnx/text_model.onnx'),
      tokenizerDir: p.clipDir,
      preprocessing: 'neglabel',
      imageSize: TINY_CLIP.imageSize,
    });
    const rows = candidates();
    try {
      const d = enc.dim;
      const neg = await enc.encodeTexts([...NOUNS.map((w) => `the nice ${w}`), ...ADJS.map((w) => `This is a ${w} photo`)]);
      const cls = await enc.encodeTexts(IND_CLASSES.map((c) => `the nice ${c}`));
      const negU = labelIds.map((_, j) => unit(neg.subarray(j * d, (j + 1) * d)));
      const clsU = IND_CLASSES.map((_, k) => unit(cls.subarray(k * d, (k + 1) * d)));
      const imgs = await enc.encodeImages(rows.map((r) => path.join(p.projectDir, r.file_path)));
      rows.forEach((r, i) => {
        if (r.status !== 'accepted') {
          expect(r.label_id).toBeNull();
          expect(r.neglabel_score).toBeNull();
          return;
        }
        const x = unit(imgs.subarray(i * d, (i + 1) * d));
        const negLogits = negU.map((u) => 100 * dot(x, u));
        const posLogits = clsU.map((u) => 100 * dot(x, u));
        const order = negLogits.map((v, j) => [v, j] as const).sort((a, b) => b[0] - a[0]);
        const z = negLogits.reduce((s, v) => s + Math.exp(v - order[0]![0]), 0);
        const margin = (1 - Math.exp(order[1]![0] - order[0]![0])) / z;
        // 11 labels → 11 groups of one label each: the score is the mean over labels of the InD softmax mass.
        const m = Math.max(...posLogits, ...negLogits);
        const pos = posLogits.reduce((s, v) => s + Math.exp(v - m), 0);
        const score = negLogits.reduce((s, v) => s + pos / (pos + Math.exp(v - m)), 0) / negLogits.length;
        expect(r.neglabel_score!).toBeCloseTo(score, 4);
        if (r.id === human) {
          expect(r.label_id).toBe(labelIds[10]);
          expect(r.label_source).toBe('human');
        } else {
          expect(r.label_id).toBe(labelIds[order[0]![1]]);
          expect(r.label_source).toBe('model');
          expect(r.label_margin!).toBeCloseTo(margin, 4);
        }
      });
    } finally {
      await enc.release();
    }
    const history = query<{ candidate_id: number; source: string }>(p.projectDir, 'SELECT candidate_id, source FROM label_assignments ORDER BY candidate_id');
    expect(history.map((h) => h.candidate_id)).toEqual(accepted);
    expect(history.every((h) => h.source === 'model')).toBe(true);
  }, 60_000);

  it("scope 'all' labels every candidate and still never overwrites the human label", async () => {
    const { jobId, candidates: n } = value<{ jobId: number; candidates: number }>(await p.studio.call('labels.assign', { scope: 'all' }));
    expect(n).toBe(candidateIds.length);
    expect((await jobDone(p.studio, jobId)).state.status).toBe('completed');
    const rows = candidates();
    expect(rows.every((r) => r.label_id !== null && r.neglabel_score !== null)).toBe(true);
    const human = rows.find((r) => r.id === candidateIds[0])!;
    expect(human.label_id).toBe(labelIds[10]);
    expect(human.label_source).toBe('human');
    expect(rows.filter((r) => r.label_source === 'model')).toHaveLength(candidateIds.length - 1);
  }, 60_000);
});
