import { describe, expect, it } from 'vitest';
import { synoodScore } from '../../src/main/pipeline/evaluate/synood-score';
import { initProjection, type ProjectionWeights } from '../../src/main/pipeline/train/projection-weights';
import { SeededRandom } from '../../src/main/pipeline/train/seeded-random';

const d = 6;
const k = 3;
const m = 11; // 11 negatives in 4 groups: the last 3 are dropped, groups of 2.
const ngroups = 4;
const permutation = [5, 0, 7, 2, 6, 1, 3, 4];

function rand(rng: SeededRandom, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

/** Written from docs/METHOD.md §4/§6/§8 in float64, independently of the scorer. */
function reference(images: Float32Array, classes: Float32Array, negatives: Float32Array, p: ProjectionWeights | undefined): number[] {
  const rows = (a: Float32Array): number[][] => Array.from({ length: a.length / d }, (_, r) => Array.from(a.subarray(r * d, (r + 1) * d)));
  const unit = (v: number[]): number[] => {
    const n = Math.hypot(...v);
    return v.map((x) => x / n);
  };
  const project = (x: number[]): number[] => {
    if (!p) return x;
    const h = x.map((_, o) => p.bias[o]! + x.reduce((s, xi, i) => s + p.weight[o * d + i]! * xi, 0));
    const mu = h.reduce((s, v) => s + v, 0) / d;
    const varr = h.reduce((s, v) => s + (v - mu) ** 2, 0) / d;
    return x.map((xi, o) => xi + Math.max(0, ((h[o]! - mu) / Math.sqrt(varr + 1e-5)) * p.lnWeight[o]! + p.lnBias[o]!));
  };
  const cls = rows(classes).map(unit);
  const neg = rows(negatives).map(unit);
  return rows(images).map((x) => {
    const xn = unit(project(x));
    const cos = (t: number[]): number => 100 * t.reduce((s, ti, i) => s + ti * xn[i]!, 0);
    const pos = cls.map(cos);
    let total = 0;
    for (let g = 0; g < ngroups; g++) {
      const group = permutation.slice(g * 2, g * 2 + 2).map((j) => cos(neg[j]!));
      const all = [...pos, ...group];
      const mx = Math.max(...all);
      const z = all.reduce((s, l) => s + Math.exp(l - mx), 0);
      total += pos.reduce((s, l) => s + Math.exp(l - mx), 0) / z;
    }
    return total / ngroups;
  });
}

describe('synoodScore', () => {
  const rng = new SeededRandom(31);
  const images = rand(rng, 5 * d);
  const classes = rand(rng, k * d);
  const negatives = rand(rng, m * d);
  const projection = initProjection(d, rng);
  projection.lnBias.forEach((_, i) => (projection.lnBias[i] = rng.uniform(-0.5, 0.5)));
  const tunedIdx = [7, 2, 9];
  const tunedFeatures = rand(rng, tunedIdx.length * d);
  const tuned = { projection, tunedLabels: { indices: tunedIdx, features: tunedFeatures } };
  const grouping = { ngroups, permutation };
  const negativesTuned = negatives.slice();
  tunedIdx.forEach((r, i) => negativesTuned.set(tunedFeatures.subarray(i * d, (i + 1) * d), r * d));

  const cases = [
    { useProjection: false, useTunedLabels: false, p: undefined, neg: negatives },
    { useProjection: true, useTunedLabels: false, p: projection, neg: negatives },
    { useProjection: false, useTunedLabels: true, p: undefined, neg: negativesTuned },
    { useProjection: true, useTunedLabels: true, p: projection, neg: negativesTuned },
  ];
  for (const c of cases) {
    it(`projection ${c.useProjection ? 'on' : 'off'}, tuned labels ${c.useTunedLabels ? 'on' : 'off'}: matches the reference and records the switches`, () => {
      const switches = { useProjection: c.useProjection, useTunedLabels: c.useTunedLabels };
      const res = synoodScore({ dim: d, images, classes, negatives }, tuned, switches, grouping);
      const ref = reference(images, classes, c.neg, c.p);
      res.scores.forEach((s, i) => expect(s).toBeCloseTo(ref[i]!, 5));
      expect(res.switches).toEqual(switches);
      expect(res.grouping).toEqual({ ngroups, seed: 0, explicitPermutation: true, temperature: 1 });
    });
  }

  it('the switches change the scores', () => {
    const off = synoodScore({ dim: d, images, classes, negatives }, tuned, { useProjection: false, useTunedLabels: false }, grouping).scores;
    const on = synoodScore({ dim: d, images, classes, negatives }, tuned, { useProjection: true, useTunedLabels: true }, grouping).scores;
    expect(Math.max(...off.map((s, i) => Math.abs(s - on[i]!)))).toBeGreaterThan(1e-3);
  });

  it('refuses a switch without its weights, and bad tuned-label indices', () => {
    const f = { dim: d, images, classes, negatives };
    expect(() => synoodScore(f, {}, { useProjection: true, useTunedLabels: false }, grouping)).toThrow(/no projection weights/);
    expect(() => synoodScore(f, {}, { useProjection: false, useTunedLabels: true }, grouping)).toThrow(/no tuned label features/);
    const bad = { tunedLabels: { indices: [2, 11], features: rand(rng, 2 * d) } };
    expect(() => synoodScore(f, bad, { useProjection: false, useTunedLabels: true }, grouping)).toThrow(/outside 0..10/);
  });
});
