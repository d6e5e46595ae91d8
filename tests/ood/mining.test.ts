import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { averageTemplateFeatures, candidatePrompts, quantileSimilarity, quantileSortedLinear, selectNegativeLabels, type Candidate, type Matrix } from '../../src/main/ood';
import { cosine, randomRows, row } from './helpers';

interface Fixture {
  dim: number;
  classes: number[][];
  candidates: number[][];
  words: string[];
  pos: Array<'noun' | 'adj'>;
  class_names: string[];
  pct: number;
  quantile: number;
  scores: number[];
  selected: Array<{ index: number; word: string; pos: 'noun' | 'adj'; score: number }>;
}

// numpy-generated (tests/fixtures/ood/make_mining_fixture.py).
const fx = JSON.parse(readFileSync(join(__dirname, '../fixtures/ood/mining_fixture.json'), 'utf8')) as Fixture;
const toMatrix = (rows: number[][]): Matrix => ({ data: Float32Array.from(rows.flat()), rows: rows.length, cols: rows[0]!.length });

/** Quantile as textbook linear interpolation on a plain sorted array: x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]), h = (n−1)q. */
function naiveQuantile(values: number[], q: number): number {
  const x = [...values].sort((a, b) => a - b);
  const h = (x.length - 1) * q;
  const lo = Math.floor(h);
  return lo + 1 < x.length ? x[lo]! + (h - lo) * (x[lo + 1]! - x[lo]!) : x[lo]!;
}

describe('quantile (numpy linear)', () => {
  it('matches the textbook formula and the end points', () => {
    const v = [0.3, -1, 2.5, 0.7, 0.71, 9, -3];
    for (const q of [0, 0.1, 0.5, 0.95, 0.999, 1]) {
      expect(quantileSortedLinear(Float64Array.from(v).sort(), q)).toBeCloseTo(naiveQuantile(v, q), 14);
    }
    expect(quantileSortedLinear([4], 0.95)).toBe(4);
    expect(() => quantileSortedLinear([], 0.5)).toThrow(/empty/);
  });
});

describe('negative-label mining', () => {
  const candidates: Candidate[] = fx.words.map((word, i) => ({ word, pos: fx.pos[i]! }));
  const cand = toMatrix(fx.candidates);
  const cls = toMatrix(fx.classes);

  it('quantile similarities match numpy.quantile of float64 cosines', () => {
    const s = quantileSimilarity(cand, cls, fx.quantile, 7);
    fx.scores.forEach((want, i) => expect(s[i]).toBeCloseTo(want, 6));
  });

  it('quantile similarities match a direct re-derivation', () => {
    const s = quantileSimilarity(cand, cls, 0.95);
    for (let j = 0; j < cand.rows; j += 9) {
      const sims = Array.from({ length: cls.rows }, (_, k) => cosine(row(cand, j), row(cls, k)));
      expect(s[j]).toBeCloseTo(naiveQuantile(sims, 0.95), 6);
    }
  });

  it('selects the same labels in the same order as numpy, excluding InD class names', () => {
    const r = selectNegativeLabels(candidates, cand, cls, { pct: fx.pct, quantile: fx.quantile, classNames: fx.class_names });
    expect(r.selected.map((x) => [x.index, x.word, x.pos])).toEqual(fx.selected.map((x) => [x.index, x.word, x.pos]));
    r.selected.forEach((x, i) => expect(x.score).toBeCloseTo(fx.selected[i]!.score, 6));
    expect(r.counts.noun).toEqual({ candidates: 70, excluded: 2, kept: 10 });
    expect(r.counts.adj).toEqual({ candidates: 30, excluded: 0, kept: 4 });
    expect(r.selected[0]!.prompts).toEqual([`the nice ${r.selected[0]!.word}`]);
    expect(r.selected.at(-1)!.prompts).toEqual([`This is a ${r.selected.at(-1)!.word} photo`]);
  });

  it('rejects a feature/candidate count mismatch', () => {
    expect(() => selectNegativeLabels(candidates.slice(1), cand, cls)).toThrow(/feature rows/);
  });
});

describe('templates', () => {
  it('builds one prompt per template of the part of speech', () => {
    const t = { noun: ['the nice {}', 'a photo of a {}.'], adj: ['This is a {} photo'] };
    expect(candidatePrompts({ word: 'dog', pos: 'noun' }, t)).toEqual(['the nice dog', 'a photo of a dog.']);
    expect(candidatePrompts({ word: 'red', pos: 'adj' })).toEqual(['This is a red photo']);
  });

  it('averages normalised template features and renormalises', () => {
    const f = randomRows(6, 5, 4, false);
    const avg = averageTemplateFeatures(f, 3);
    expect(avg.rows).toBe(2);
    for (let i = 0; i < 2; i++) {
      const units = [0, 1, 2].map((t) => {
        const r = row(f, i * 3 + t);
        const n = Math.hypot(...r);
        return r.map((v) => v / n);
      });
      const mean = units[0]!.map((_, c) => units.reduce((s, u) => s + u[c]!, 0) / 3);
      const n = Math.hypot(...mean);
      row(avg, i).forEach((v, c) => expect(v).toBeCloseTo(mean[c]! / n, 6));
    }
    expect(() => averageTemplateFeatures(f, 4)).toThrow(/multiple/);
  });
});
