import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxClipEncoder } from '../../src/main/pipeline/features';
import { TextFeatureCacheDb, textFeatureCachePath } from '../../src/main/store/text-feature-cache';
import { tmpDir } from '../helpers/tmp';
import { IND_CLASSES, oodProject, query, type OodProject } from './ood-project';
import { jobDone, value } from './stage-project';

interface LabelRow {
  id: number;
  word: string;
  pos: 'noun' | 'adj';
  template: string;
  mining_score: number | null;
  selected: number;
}

/**
 * The selection rule written out on its own: per part of speech, ascending score, keep floor(n·pct). InD class names
 * stay candidates by default, as in NegLabel (excludeInDClassNames is tested in mine-word-list.test.ts).
 */
function expectedSelection(rows: LabelRow[], pct: number): Set<number> {
  const keep = new Set<number>();
  for (const pos of ['noun', 'adj']) {
    const eligible = rows.filter((r) => r.pos === pos).sort((a, b) => a.mining_score! - b.mining_score! || a.id - b.id);
    for (const r of eligible.slice(0, Math.floor(eligible.length * pct))) keep.add(r.id);
  }
  return keep;
}

/** numpy.quantile(x, q), method 'linear'. */
function quantileLinear(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (h - lo);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

describe('labels.mine job', () => {
  let t: ReturnType<typeof tmpDir>;
  let p: OodProject;
  const labels = () => query<LabelRow>(p.projectDir, 'SELECT * FROM neg_labels ORDER BY id');
  /** The first mining's scores (default settings, every text encoded fresh), by word/pos. */
  let firstMining = new Map<string, number | null>();

  beforeAll(async () => {
    t = tmpDir('synood-mine-');
    p = await oodProject(t.dir, { perClass: 2, indTest: 1 });
  }, 60_000);
  afterAll(async () => {
    await p.studio.close();
    t.cleanup();
  });

  it('scores every candidate, stores it, and selects the lowest 15% per part of speech', async () => {
    const { jobId, candidates, items } = value<{ jobId: number; candidates: number; items: number }>(await p.studio.call('labels.mine', { candidateLimit: 1200 }));
    expect(candidates).toBe(1200);
    expect(items).toBe(4); // 512 + 512 + 176 words, then the selection
    expect((await jobDone(p.studio, jobId)).state.status).toBe('completed');

    const rows = labels();
    firstMining = new Map(rows.map((r) => [`${r.word}/${r.pos}`, r.mining_score]));
    expect(rows).toHaveLength(1200);
    expect(rows.every((r) => r.mining_score !== null && Number.isFinite(r.mining_score))).toBe(true);
    const nouns = rows.filter((r) => r.pos === 'noun');
    const adjs = rows.filter((r) => r.pos === 'adj');
    expect(nouns.length).toBeGreaterThan(0);
    expect(adjs.length).toBeGreaterThan(0);
    expect(new Set(nouns.map((r) => r.template))).toEqual(new Set(['the nice {}']));
    expect(new Set(adjs.map((r) => r.template))).toEqual(new Set(['This is a {} photo']));

    const want = expectedSelection(rows, 0.15);
    const got = new Set(rows.filter((r) => r.selected === 1).map((r) => r.id));
    expect(got).toEqual(want);
    expect(rows.filter((r) => r.selected === 1 && r.pos === 'noun')).toHaveLength(Math.floor(nouns.length * 0.15));
    expect(rows.filter((r) => r.selected === 1 && r.pos === 'adj')).toHaveLength(Math.floor(adjs.length * 0.15));

    // The stored score itself, re-derived for a few words: 0.95-quantile of the cosines to 'the nice {class}'.
    const clipDir = p.clipDir;
    const enc = await createOnnxClipEncoder({ visionModelPath: path.join(clipDir, 'onnx/vision_model.onnx'), textModelPath: path.join(clipDir, 'onnx/text_model.onnx'), tokenizerDir: clipDir });
    try {
      const d = enc.dim;
      const cls = await enc.encodeTexts(IND_CLASSES.map((c) => `the nice ${c}`));
      const sample = [nouns[0]!, nouns[nouns.length - 1]!, adjs[0]!, adjs[adjs.length - 1]!];
      const feats = await enc.encodeTexts(sample.map((r) => r.template.replace('{}', r.word)));
      sample.forEach((r, i) => {
        const sims = IND_CLASSES.map((_, k) => cosine(feats.subarray(i * d, (i + 1) * d), cls.subarray(k * d, (k + 1) * d)));
        expect(r.mining_score!).toBeCloseTo(quantileLinear(sims, 0.95), 5);
      });
    } finally {
      await enc.release();
    }
  }, 60_000);

  it('re-mining with a template ensemble and another share keeps label ids and reselects', async () => {
    const before = new Map(labels().map((r) => [`${r.word}/${r.pos}`, r.id]));
    const { jobId } = value<{ jobId: number }>(
      await p.studio.call('labels.mine', { candidateLimit: 1200, pct: 0.3, nounTemplates: ['the nice {}', 'a photo of a {}'], quantile: 0.5 }),
    );
    expect((await jobDone(p.studio, jobId)).state.status).toBe('completed');
    const rows = labels();
    expect(rows).toHaveLength(1200);
    for (const r of rows) expect(r.id).toBe(before.get(`${r.word}/${r.pos}`));
    expect(JSON.parse(rows.find((r) => r.pos === 'noun')!.template)).toEqual(['the nice {}', 'a photo of a {}']);
    expect(new Set(rows.filter((r) => r.selected === 1).map((r) => r.id))).toEqual(expectedSelection(rows, 0.3));
  }, 60_000);

  it('a second project (another studio, same home) scores from the per-user cache: no text encoded, the same scores', async () => {
    const cacheStats = () => {
      const cache = TextFeatureCacheDb.open(textFeatureCachePath(p.home));
      try {
        return cache.stats();
      } finally {
        cache.close();
      }
    };
    const before = cacheStats();
    expect(before.rows).toBeGreaterThan(1200); // the two minings above: 1200 words, two noun templates, 3 classes
    const second = await oodProject(path.join(t.dir, 'second'), { perClass: 2, indTest: 1, home: p.home });
    try {
      const { jobId } = value<{ jobId: number }>(await second.studio.call('labels.mine', { candidateLimit: 1200 }));
      expect((await jobDone(second.studio, jobId)).state.status).toBe('completed');
      const after = cacheStats();
      // No row written means no text encoded: the cache stores every text it encodes.
      expect(after.rows).toBe(before.rows);
      expect(after.served - before.served).toBe(1200 + IND_CLASSES.length);
      // float32 rows: the scores equal, bit for bit, those of the first mining, which encoded every text fresh.
      const rows = query<LabelRow>(second.projectDir, 'SELECT * FROM neg_labels ORDER BY id');
      expect(rows).toHaveLength(1200);
      for (const r of rows) expect(r.mining_score).toBe(firstMining.get(`${r.word}/${r.pos}`));
    } finally {
      await second.studio.close();
    }
  }, 120_000);

  it('refuses a template without exactly one {}', async () => {
    const r = await p.studio.call('labels.mine', { nounTemplates: ['no placeholder'] });
    expect(r.ok).toBe(false);
  });
});
