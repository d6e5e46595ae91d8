import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeOodMetrics } from '../../src/main/ood/metrics';
import { quantileSortedLinear } from '../../src/main/ood/quantile';
import { bootstrapRun, fprCut, fprCutWalk, IndexStream, prefixSums, metricsForResample, observedMetrics, prepareInd, prepareOod, prepareRun } from '../../src/main/ood/uncertainty';
import { delongPaired, delongVariance } from '../../src/main/ood/uncertainty-delong';
import { erfc, normalSf, twoSidedP } from '../../src/main/ood/uncertainty-normal';
import { pairedBootstrap } from '../../src/main/ood/uncertainty-paired';
import { meanStd } from '../../src/main/ood/uncertainty-seeds';
import { mulberry32 } from '../../src/main/random/mulberry32';

interface Case {
  name: string;
  ind_a: number[];
  ood_a: number[];
  ind_b: number[];
  ood_b: number[];
  auc_a: number;
  auc_b: number;
  fpr95_a: number;
  delong: { auc_a: number; auc_b: number; var_a: number; var_b: number; cov_ab: number; z: number; p: number };
  resamples: { ind_idx: number[]; ood_idx: number[]; auroc: number; fpr95: number }[];
  bootstrap_se?: number;
  bootstrap_pct?: [number, number];
}

const FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/review/uncertainty_fixtures.json'), 'utf8')) as { cases: Case[] };
const METRIC_FIXTURE = JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/ood/metric_fixtures.json'), 'utf8')) as { cases: { name: string; ind: number[]; ood: number[] }[] };

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

function normal(rand: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

describe('normal tail', () => {
  it('matches known erfc values to ~1e-15 relative', () => {
    // Reference values: mpmath erfc at 30 digits.
    const known: [number, number][] = [
      [0, 1],
      [0.1, 0.887537083981715],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [1.9999, 0.004679802092970608],
      [2, 0.004677734981047266],
      [3, 2.209049699858544e-5],
      [5, 1.5374597944280349e-12],
      [10, 2.088487583762545e-45],
      [20, 5.395865611607901e-176],
    ];
    for (const [x, v] of known) expect(rel(erfc(x), v), `erfc(${x})`).toBeLessThan(5e-15);
    expect(erfc(-1)).toBeCloseTo(2 - 0.15729920705028513, 15);
    expect(normalSf(1.959963984540054)).toBeCloseTo(0.025, 15);
    expect(twoSidedP(0)).toBe(1);
  });
});

describe('DeLong (Sun & Xu) against the numpy implementation from the paper', () => {
  for (const c of FIXTURE.cases) {
    it(`${c.name}: AUCs, variances, covariance, z and p agree to 1e-9 relative`, () => {
      const d = delongPaired(c.ind_a, c.ood_a, c.ind_b, c.ood_b);
      expect(rel(d.aucA, c.auc_a)).toBeLessThan(1e-12);
      expect(rel(d.aucB, c.auc_b)).toBeLessThan(1e-12);
      expect(rel(d.varA, c.delong.var_a)).toBeLessThan(1e-9);
      expect(rel(d.varB, c.delong.var_b)).toBeLessThan(1e-9);
      expect(rel(d.covAB, c.delong.cov_ab)).toBeLessThan(1e-9);
      expect(rel(d.z, c.delong.z)).toBeLessThan(1e-9);
      expect(rel(d.p, c.delong.p)).toBeLessThan(1e-9);
      const single = delongVariance(c.ind_a, c.ood_a);
      expect(rel(single.variance, c.delong.var_a)).toBeLessThan(1e-9);
    });
  }

  it('gives p = 1 for two identical runs and refuses runs on different samples', () => {
    const c = FIXTURE.cases[1]!;
    const d = delongPaired(c.ind_a, c.ood_a, c.ind_a, c.ood_a);
    expect(d.delta).toBe(0);
    expect(d.p).toBe(1);
    expect(() => delongPaired(c.ind_a, c.ood_a, c.ind_b.slice(1), c.ood_b)).toThrow(/same samples/);
  });
});

describe('resampled metrics from counts', () => {
  for (const c of FIXTURE.cases.filter((k) => k.resamples.length)) {
    it(`${c.name}: each stored resample gives sklearn's AUROC and the MOS FPR95`, () => {
      const ind = prepareInd(c.ind_a);
      const ood = prepareOod(ind, c.ood_a);
      for (const r of c.resamples) {
        const m = metricsForResample(ind, ood, r.ind_idx, r.ood_idx);
        expect(Math.abs(m.auroc - r.auroc)).toBeLessThan(1e-12);
        expect(m.fpr95).toBe(r.fpr95);
      }
    });
  }

  it('every count 1 reproduces computeOodMetrics exactly (all metric fixtures, ties and edge cases included)', () => {
    for (const c of [...METRIC_FIXTURE.cases, ...FIXTURE.cases.map((k) => ({ name: k.name, ind: k.ind_a, ood: k.ood_a }))]) {
      const [o] = observedMetrics(prepareRun([{ name: c.name, ind: c.ind, ood: c.ood }]));
      const ref = computeOodMetrics(c.ind, c.ood);
      expect(o!.auroc, c.name).toBe(ref.auroc);
      expect(o!.fpr95, c.name).toBe(ref.fpr95Mos);
    }
  });

  it('the binary-searched FPR95 cut equals the full walk on random resamples, ties and tiny sets included', () => {
    const rand = mulberry32(17);
    for (let trial = 0; trial < 400; trial++) {
      const n = 1 + Math.floor(rand() * (trial < 200 ? 30 : 400));
      const levels = 1 + Math.floor(rand() * 12);
      const ind = prepareInd(Array.from({ length: n }, () => Math.floor(rand() * levels) + (trial % 2 ? rand() : 0)));
      const c = new Uint32Array(n);
      const rng = new IndexStream(trial);
      for (let i = 0; i < n; i++) c[rng.next(n)]!++;
      const P = prefixSums(c, new Float64Array(n + 1));
      for (const level of [0.95, 0.9, 0.5, 1]) expect(fprCut(ind, P, n, level), `trial ${trial} level ${level}`).toEqual(fprCutWalk(ind, P, n, level));
    }
  });

  it('the bootstrap equals materialising each resample and running computeOodMetrics on it', () => {
    const rand = mulberry32(3);
    const ind = Array.from({ length: 80 }, () => Math.round(rand() * 20));
    const oods = [Array.from({ length: 50 }, () => Math.round(rand() * 14)), Array.from({ length: 30 }, () => Math.round(rand() * 16))];
    const B = 200;
    const got = bootstrapRun(
      oods.map((ood, s) => ({ name: `s${s}`, ind, ood })),
      { resamples: B, seed: 11 },
    );
    // The same stream, drawn the same way: InD sorted positions once per resample, then each set's OOD indices.
    const sorted = Float64Array.from(ind).sort();
    const rng = new IndexStream(11);
    const auc = oods.map(() => new Float64Array(B));
    const fpr = oods.map(() => new Float64Array(B));
    for (let b = 0; b < B; b++) {
      const ri = Array.from({ length: ind.length }, () => sorted[rng.next(ind.length)]!);
      oods.forEach((ood, s) => {
        const ro = Array.from({ length: ood.length }, () => ood[rng.next(ood.length)]!);
        const m = computeOodMetrics(ri, ro);
        auc[s]![b] = m.auroc;
        fpr[s]![b] = m.fpr95Mos;
      });
    }
    oods.forEach((_, s) => {
      const a = auc[s]!.sort();
      const f = fpr[s]!.sort();
      expect(got.sets[s]!.auroc.lo).toBe(quantileSortedLinear(a, 0.025));
      expect(got.sets[s]!.auroc.hi).toBe(quantileSortedLinear(a, 0.975));
      expect(got.sets[s]!.fpr95.lo).toBe(quantileSortedLinear(f, 0.025));
      expect(got.sets[s]!.fpr95.hi).toBe(quantileSortedLinear(f, 0.975));
    });
  });
});

describe('bootstrap intervals: statistics against DeLong and coverage', () => {
  const large = FIXTURE.cases.find((c) => c.name === 'large')!;

  it('bootstrap SE of AUROC within 5% of DeLong SE on large n (numpy bootstrap too)', () => {
    const r = bootstrapRun([{ name: 'large', ind: large.ind_a, ood: large.ood_a }], { resamples: 2000, seed: 1 });
    const delongSe = Math.sqrt(large.delong.var_a);
    const se = r.sets[0]!.auroc.se;
    expect(rel(se, delongSe)).toBeLessThan(0.05);
    expect(rel(large.bootstrap_se!, delongSe)).toBeLessThan(0.05);
    // The percentile interval is centred where numpy's is and as wide, within Monte Carlo error.
    const [plo, phi] = large.bootstrap_pct!;
    const width = phi - plo;
    expect(Math.abs(r.sets[0]!.auroc.lo - plo)).toBeLessThan(0.1 * width);
    expect(Math.abs(r.sets[0]!.auroc.hi - phi)).toBeLessThan(0.1 * width);
    expect(r.sets[0]!.auroc.estimate).toBe(computeOodMetrics(large.ind_a, large.ood_a).auroc);
  });

  it('95% intervals cover the true binormal AUROC about 95% of the time', () => {
    // AUROC of N(μ,1) vs N(0,1) is Φ(μ/√2).
    const mu = 1;
    const truth = 1 - normalSf(mu / Math.SQRT2);
    const rand = mulberry32(99);
    const z = normal(rand);
    let covered = 0;
    let coveredFpr = 0;
    const reps = 200;
    // True FPR at the InD 5% quantile: P(OOD ≥ μ − 1.6449) for N(0,1) OOD.
    const fprTruth = normalSf(mu - 1.6448536269514722);
    for (let r = 0; r < reps; r++) {
      const ind = Array.from({ length: 300 }, () => z() + mu);
      const ood = Array.from({ length: 300 }, () => z());
      const iv = bootstrapRun([{ name: 'x', ind, ood }], { resamples: 400, seed: r });
      if (iv.sets[0]!.auroc.lo <= truth && truth <= iv.sets[0]!.auroc.hi) covered++;
      if (iv.sets[0]!.fpr95.lo <= fprTruth && fprTruth <= iv.sets[0]!.fpr95.hi) coveredFpr++;
    }
    expect(covered / reps).toBeGreaterThan(0.89);
    expect(covered / reps).toBeLessThanOrEqual(0.99);
    expect(coveredFpr / reps).toBeGreaterThan(0.85);
  });

  it('is deterministic for a seed, and the average interval comes from the same draws', () => {
    const c = FIXTURE.cases[1]!;
    const sets = [
      { name: 'a', ind: c.ind_a, ood: c.ood_a },
      { name: 'b', ind: c.ind_a, ood: c.ood_b },
    ];
    const r1 = bootstrapRun(sets, { resamples: 300, seed: 5 });
    const r2 = bootstrapRun(sets, { resamples: 300, seed: 5 });
    const r3 = bootstrapRun(sets, { resamples: 300, seed: 6 });
    expect(r1).toEqual(r2);
    expect(r1.sets[0]!.auroc.lo).not.toBe(r3.sets[0]!.auroc.lo);
    expect(r1.average.auroc.estimate).toBeCloseTo((r1.sets[0]!.auroc.estimate + r1.sets[1]!.auroc.estimate) / 2, 15);
    expect(r1.average.auroc.se).toBeLessThan(Math.max(r1.sets[0]!.auroc.se, r1.sets[1]!.auroc.se));
  });

  it('refuses non-finite scores and empty sets', () => {
    expect(() => bootstrapRun([{ name: 'x', ind: [1, NaN], ood: [0] }])).toThrow(/not a finite number/);
    expect(() => bootstrapRun([{ name: 'x', ind: [1], ood: [] }])).toThrow(/no OOD scores/);
    expect(() => bootstrapRun([])).toThrow(/no OOD sets/);
  });
});

describe('paired bootstrap', () => {
  const c = FIXTURE.cases.find((k) => k.name === 'continuous_medium')!;

  it('observed deltas are the differences of the metrics; identical runs give p = 1', () => {
    const r = pairedBootstrap([{ name: 's', indA: c.ind_a, oodA: c.ood_a, indB: c.ind_b, oodB: c.ood_b }], { resamples: 500, seed: 2 });
    const a = computeOodMetrics(c.ind_a, c.ood_a);
    const b = computeOodMetrics(c.ind_b, c.ood_b);
    expect(r.sets[0]!.auroc.delta).toBeCloseTo(a.auroc - b.auroc, 14);
    expect(r.sets[0]!.fpr95.delta).toBeCloseTo(a.fpr95Mos - b.fpr95Mos, 14);
    expect(r.sets[0]!.auroc.lo).toBeLessThanOrEqual(r.sets[0]!.auroc.delta);
    const same = pairedBootstrap([{ name: 's', indA: c.ind_a, oodA: c.ood_a, indB: c.ind_a, oodB: c.ood_a }], { resamples: 200, seed: 2 });
    expect(same.sets[0]!.fpr95.p).toBe(1);
    expect(same.sets[0]!.auroc.p).toBe(1);
  });

  it("paired bootstrap p for AUROC agrees with DeLong's p in significance and order of magnitude", () => {
    const large = FIXTURE.cases.find((k) => k.name === 'large')!;
    const r = pairedBootstrap([{ name: 's', indA: large.ind_a, oodA: large.ood_a, indB: large.ind_b, oodB: large.ood_b }], { resamples: 1000, seed: 4 });
    const d = delongPaired(large.ind_a, large.ood_a, large.ind_b, large.ood_b);
    // SE of the paired difference: bootstrap within 10% of DeLong's.
    expect(rel(r.sets[0]!.auroc.se, d.se)).toBeLessThan(0.1);
    expect(r.sets[0]!.auroc.p < 0.05).toBe(d.p < 0.05);
  });

  it('a clearly better run has a small FPR95 p-value', () => {
    const rand = mulberry32(8);
    const z = normal(rand);
    const base = Array.from({ length: 2000 }, () => z());
    const oodBase = Array.from({ length: 1500 }, () => z());
    const indA = base.map((v) => v + 2);
    const indB = base.map((v) => v + 1);
    const r = pairedBootstrap([{ name: 's', indA, oodA: oodBase, indB, oodB: oodBase }], { resamples: 1000, seed: 1 });
    expect(r.sets[0]!.fpr95.delta).toBeLessThan(0);
    expect(r.sets[0]!.fpr95.p).toBeLessThan(0.01);
  });
});

describe('seed groups', () => {
  it('mean ± sample std', () => {
    expect(meanStd([1, 2, 3])).toEqual({ mean: 2, std: 1, n: 3 });
    expect(meanStd([5])).toEqual({ mean: 5, std: 0, n: 1 });
  });
});
