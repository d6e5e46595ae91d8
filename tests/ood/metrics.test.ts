import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeOodMetrics, downsampleCurve, evaluateOodSets, rocCurve, scoreHistogram } from '../../src/main/ood';

interface Case {
  name: string;
  ind: number[];
  ood: number[];
  auroc: number;
  aupr_in: number;
  aupr_out: number;
  fpr95_mos: number;
  fpr95_openood: number;
  roc_fpr?: number[];
  roc_tpr?: number[];
}

// Expected values come from scikit-learn (tests/fixtures/ood/make_metric_fixtures.py).
const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/ood/metric_fixtures.json'), 'utf8')) as { cases: Case[] };

describe('OOD metrics vs scikit-learn', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const m = computeOodMetrics(c.ind, c.ood);
      expect(m.auroc).toBeCloseTo(c.auroc, 9);
      expect(m.auprIn).toBeCloseTo(c.aupr_in, 9);
      expect(m.auprOut).toBeCloseTo(c.aupr_out, 9);
      expect(m.fpr95Mos).toBeCloseTo(c.fpr95_mos, 9);
      expect(m.fpr95OpenOod).toBeCloseTo(c.fpr95_openood, 9);
      expect(m.nInd).toBe(c.ind.length);
      expect(m.nOod).toBe(c.ood.length);
      if (c.roc_fpr && c.roc_tpr) {
        const curve = rocCurve(c.ind, c.ood);
        expect(Array.from(curve.fpr)).toHaveLength(c.roc_fpr.length);
        curve.fpr.forEach((v, i) => expect(v).toBeCloseTo(c.roc_fpr![i]!, 12));
        curve.tpr.forEach((v, i) => expect(v).toBeCloseTo(c.roc_tpr![i]!, 12));
      }
    });
  }

  it('the fixture exercises both conventions disagreeing and drop_intermediate mattering', () => {
    const diag = fixture.cases.find((c) => c.name === 'diagonal_ties')!;
    expect(diag.fpr95_mos).toBe(0.95);
    expect(diag.fpr95_openood).toBe(1);
    expect(fixture.cases.filter((c) => c.fpr95_mos !== c.fpr95_openood).length).toBeGreaterThan(5);
  });
});

describe('metric thresholds', () => {
  it('MOS threshold keeps the reported fraction of OOD at or above it', () => {
    const c = fixture.cases.find((x) => x.name === 'random_medium')!;
    const m = computeOodMetrics(c.ind, c.ood);
    const oodAbove = c.ood.filter((v) => v >= m.thresholdMos).length / c.ood.length;
    expect(oodAbove).toBeCloseTo(m.fpr95Mos, 12);
    const inAbove = c.ind.filter((v) => v >= m.thresholdMos).length / c.ind.length;
    expect(Math.abs(inAbove - 0.95)).toBeLessThanOrEqual(1 / c.ind.length);
  });

  it('OpenOOD threshold: at least 95% of OOD at or below it, FPR = InD at or below it', () => {
    const c = fixture.cases.find((x) => x.name === 'random_medium')!;
    const m = computeOodMetrics(c.ind, c.ood);
    expect(c.ood.filter((v) => v <= m.thresholdOpenOod).length / c.ood.length).toBeGreaterThanOrEqual(0.95);
    expect(c.ind.filter((v) => v <= m.thresholdOpenOod).length / c.ind.length).toBeCloseTo(m.fpr95OpenOod, 12);
  });
});

describe('metric input checks', () => {
  it('rejects empty classes and non-finite scores', () => {
    expect(() => computeOodMetrics([], [1])).toThrow(/at least one InD and one OOD/);
    expect(() => computeOodMetrics([1], [])).toThrow(/at least one InD and one OOD/);
    expect(() => computeOodMetrics([1, Number.NaN], [0])).toThrow(/InD score #2/);
    expect(() => computeOodMetrics([1], [Infinity])).toThrow(/OOD score #1/);
  });

  it('accepts typed arrays (Float32Array) like plain arrays', () => {
    const c = fixture.cases.find((x) => x.name === 'float32_scores')!;
    const m = computeOodMetrics(Float32Array.from(c.ind), Float32Array.from(c.ood));
    expect(m.auroc).toBeCloseTo(c.auroc, 9);
    expect(m.fpr95Mos).toBeCloseTo(c.fpr95_mos, 9);
  });
});

describe('curves, histograms and reports', () => {
  it('downsamples to the limit keeping both ends', () => {
    const ind = Array.from({ length: 5000 }, (_, i) => Math.sin(i) + 0.3);
    const ood = Array.from({ length: 4000 }, (_, i) => Math.cos(i * 1.7));
    const full = rocCurve(ind, ood, false);
    expect(full.fpr.length).toBeGreaterThan(1000);
    const small = downsampleCurve(full, 1000);
    expect(small.fpr.length).toBe(1000);
    expect([small.fpr[0], small.tpr[0]]).toEqual([0, 0]);
    expect([small.fpr[999], small.tpr[999]]).toEqual([1, 1]);
    for (let i = 1; i < 1000; i++) {
      expect(small.fpr[i]).toBeGreaterThanOrEqual(small.fpr[i - 1]!);
      expect(small.tpr[i]).toBeGreaterThanOrEqual(small.tpr[i - 1]!);
    }
    expect(downsampleCurve(small, 1000)).toBe(small);
  });

  it('histogram bins are shared and count every score', () => {
    const h = scoreHistogram([0, 0.1, 0.5, 1], [0.25, 1, 1], 4);
    expect(Array.from(h.edges)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(h.ind)).toEqual([2, 0, 1, 1]);
    expect(Array.from(h.ood)).toEqual([0, 1, 0, 2]);
    const flat = scoreHistogram([2, 2], [2], 3);
    expect(flat.edges[0]).toBe(1.5);
    expect(flat.edges[3]).toBe(2.5);
    expect(flat.ind.reduce((a, b) => a + b, 0)).toBe(2);
  });

  it('reports each OOD set and their unweighted mean', () => {
    const [a, b] = fixture.cases.filter((c) => c.name === 'recall_19' || c.name === 'recall_40');
    if (!a || !b) throw new Error('metrics fixture lacks the recall_19 and recall_40 cases');
    // Both cases use different InD sets; pair a's InD with both OOD sets and compare with direct calls.
    const report = evaluateOodSets(a.ind, [{ name: 'x', scores: a.ood }, { name: 'y', scores: b.ood }]);
    const mx = computeOodMetrics(a.ind, a.ood);
    const my = computeOodMetrics(a.ind, b.ood);
    expect(report.sets.map((s) => s.name)).toEqual(['x', 'y']);
    expect(report.sets[0]!.metrics).toEqual(mx);
    expect(report.average.auroc).toBeCloseTo((mx.auroc + my.auroc) / 2, 15);
    expect(report.average.fpr95OpenOod).toBeCloseTo((mx.fpr95OpenOod + my.fpr95OpenOod) / 2, 15);
    expect(report.nInd).toBe(a.ind.length);
  });
});
