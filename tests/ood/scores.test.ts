import { describe, expect, it } from 'vitest';
import { energyScore, matmulTransposed, mcmScore, negLabelScore, planNegativeGroups, seededPermutation, type Matrix } from '../../src/main/ood';
import { cosine, lcg, randomRows, row, softmax } from './helpers';

const D = 16;
const images = randomRows(3, D, 1);
const classes = randomRows(4, D, 2);
const negatives = randomRows(250, D, 3);

/** The grouped score straight from docs/METHOD.md §4, with softmax over the concatenated logits. */
function directNegLabel(img: Matrix, cls: Matrix, neg: Matrix, ngroups: number, order: ArrayLike<number>, t = 1): number[] {
  const kept = neg.rows - (neg.rows % ngroups);
  const size = kept / ngroups;
  const out: number[] = [];
  for (let i = 0; i < img.rows; i++) {
    const x = row(img, i);
    const pos = Array.from({ length: cls.rows }, (_, k) => (100 * cosine(x, row(cls, k))) / t);
    let total = 0;
    for (let g = 0; g < ngroups; g++) {
      const negs = Array.from({ length: size }, (_, j) => (100 * cosine(x, row(neg, order[g * size + j]!))) / t);
      const p = softmax([...pos, ...negs]);
      total += p.slice(0, pos.length).reduce((a, b) => a + b, 0);
    }
    out.push(total / ngroups);
  }
  return out;
}

function shuffled(n: number, seed: number): number[] {
  const r = lcg(seed);
  const a = Array.from({ length: n }, (_, i) => i);
  return a.map((v) => [r(), v] as const).sort((p, q) => p[0] - q[0]).map((p) => p[1]);
}

describe('matrix product', () => {
  it('matches naive dot products for shapes that hit every unrolled tail', () => {
    for (const [n, m, d] of [[7, 5, 3], [4, 2, 8], [9, 131, 17], [1, 1, 1]] as const) {
      const a = randomRows(n, d, 10 + n, false);
      const b = randomRows(m, d, 20 + m, false);
      const c = matmulTransposed(a, b, 2.5);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          const x = row(a, i), y = row(b, j);
          expect(c.data[i * m + j]).toBeCloseTo(2.5 * x.reduce((s, v, k) => s + v * y[k]!, 0), 5);
        }
      }
    }
  });
});

describe('NegLabel grouped score', () => {
  for (const ngroups of [1, 2, 100]) {
    it(`equals the direct softmax formula, ngroups = ${ngroups}`, () => {
      const kept = 250 - (250 % ngroups);
      const order = shuffled(kept, 7 + ngroups);
      const got = negLabelScore(images, classes, negatives, { ngroups, permutation: order });
      const want = directNegLabel(images, classes, negatives, ngroups, order);
      want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 6));
    });
  }

  it('ngroups = 1 is the softmax mass of the classes, not the raw sum of positive logits', () => {
    const identity = Array.from({ length: 250 }, (_, i) => i);
    const got = negLabelScore(images, classes, negatives, { ngroups: 1 });
    for (let i = 0; i < images.rows; i++) {
      const x = row(images, i);
      const pos = Array.from({ length: 4 }, (_, k) => 100 * cosine(x, row(classes, k)));
      const neg = identity.map((j) => 100 * cosine(x, row(negatives, j)));
      const p = softmax([...pos, ...neg]);
      expect(got[i]).toBeCloseTo(p.slice(0, 4).reduce((a, b) => a + b, 0), 6);
      expect(got[i]).toBeGreaterThan(0);
      expect(got[i]).toBeLessThan(1);
      expect(Math.abs(got[i]! - pos.reduce((a, b) => a + b, 0))).toBeGreaterThan(1e-3);
    }
  });

  it('drops the last M mod ngroups negatives before permuting', () => {
    const plan = planNegativeGroups(250, 100, 0);
    expect(plan).toMatchObject({ kept: 200, dropped: 50, groupSize: 2 });
    expect(Math.max(...plan.order)).toBe(199);
    // Changing a dropped negative must not change the score.
    const altered = { ...negatives, data: Float32Array.from(negatives.data) };
    altered.data.fill(0.3, 240 * D, 250 * D);
    expect(negLabelScore(images, classes, altered, { ngroups: 100 })).toEqual(negLabelScore(images, classes, negatives, { ngroups: 100 }));
  });

  it('the seeded path uses seededPermutation(kept, seed), reproducibly', () => {
    const bySeed = negLabelScore(images, classes, negatives, { ngroups: 2, seed: 5 });
    const byPerm = negLabelScore(images, classes, negatives, { ngroups: 2, permutation: seededPermutation(250, 5) });
    expect(bySeed).toEqual(byPerm);
    expect(negLabelScore(images, classes, negatives, { ngroups: 2, seed: 5 })).toEqual(bySeed);
    const p = Array.from(seededPermutation(1000, 3));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(p).not.toEqual(Array.from(seededPermutation(1000, 4)));
  });

  it('temperature, normalisation flag and chunking are honoured', () => {
    const order = shuffled(250, 3);
    const t2 = negLabelScore(images, classes, negatives, { ngroups: 5, permutation: order, temperature: 2 });
    directNegLabel(images, classes, negatives, 5, order, 2).forEach((w, i) => expect(t2[i]).toBeCloseTo(w, 6));
    const scaled = (m: Matrix, f: number): Matrix => ({ ...m, data: m.data.map((v, i) => v * (f + (Math.floor(i / m.cols) % 3))) });
    const raw = negLabelScore(scaled(images, 3), scaled(classes, 0.5), scaled(negatives, 7), { ngroups: 5, permutation: order, normalize: true, chunkRows: 1 });
    const ref = negLabelScore(images, classes, negatives, { ngroups: 5, permutation: order });
    ref.forEach((w, i) => expect(raw[i]).toBeCloseTo(w, 5));
  });

  it('stays finite for huge logits', () => {
    const s = negLabelScore(images, classes, negatives, { ngroups: 10, temperature: 1e-3 });
    s.forEach((v) => {
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    });
  });

  it('rejects bad group settings', () => {
    expect(() => negLabelScore(images, classes, negatives, { ngroups: 0 })).toThrow(/positive integer/);
    expect(() => negLabelScore(images, classes, negatives, { ngroups: 251 })).toThrow(/at least ngroups/);
    expect(() => negLabelScore(images, classes, negatives, { ngroups: 2, permutation: [0, 1, 2] })).toThrow(/length 3/);
    expect(() => negLabelScore(images, randomRows(4, D + 1, 2), negatives)).toThrow(/dims differ/);
  });
});

describe('MCM and energy scores', () => {
  for (const t of [1, 100]) {
    it(`match their formulas at T = ${t}`, () => {
      const mcm = mcmScore(images, classes, { temperature: t });
      const energy = energyScore(images, classes, { temperature: t });
      for (let i = 0; i < images.rows; i++) {
        const logits = Array.from({ length: 4 }, (_, k) => 100 * cosine(row(images, i), row(classes, k)));
        expect(mcm[i]).toBeCloseTo(Math.max(...softmax(logits.map((l) => l / t))), 6);
        expect(energy[i]).toBeCloseTo(t * Math.log(logits.reduce((s, l) => s + Math.exp(l / t), 0)), 4);
      }
    });
  }
});
