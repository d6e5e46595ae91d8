import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Adam } from '../../src/main/pipeline/train/adam';
import { cosineAnnealingLr, scheduledLr } from '../../src/main/pipeline/train/cosine-schedule';
import { Sgd } from '../../src/main/pipeline/train/sgd';

// Trajectories recorded from torch.optim (see fixtures/make-optimizer-fixture.py).
const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'optimizer-reference.json'), 'utf8')) as {
  grads: number[][];
  lrs: number[];
  init: number[];
  adam: { weight_decay: number; trajectory: number[][] };
  sgd: { momentum: number; weight_decay: number; trajectory: number[][] };
  cosine: { base_lr: number; eta_min: number; t_max: number; lrs: number[] };
};

function run(opt: Adam | Sgd): number[][] {
  const p = Float32Array.from(ref.init);
  return ref.grads.map((g, i) => {
    opt.step([p], [Float32Array.from(g)], ref.lrs[i]!);
    return Array.from(p);
  });
}

describe('Adam (torch semantics)', () => {
  it('matches the textbook formula with L2 weight decay written out step by step', () => {
    const [b1, b2, eps, wd] = [0.9, 0.999, 1e-8, 0.1];
    let theta = [...ref.init];
    let m = [0, 0];
    let v = [0, 0];
    const got = run(new Adam({ weightDecay: wd }));
    ref.grads.forEach((grad, i) => {
      const t = i + 1;
      const g = grad.map((gj, j) => gj + wd * theta[j]!);
      m = m.map((mj, j) => b1 * mj + (1 - b1) * g[j]!);
      v = v.map((vj, j) => b2 * vj + (1 - b2) * g[j]! ** 2);
      const mHat = m.map((mj) => mj / (1 - b1 ** t));
      const vHat = v.map((vj) => vj / (1 - b2 ** t));
      theta = theta.map((th, j) => th - (ref.lrs[i]! * mHat[j]!) / (Math.sqrt(vHat[j]!) + eps));
      expect(got[i]![0]).toBeCloseTo(theta[0]!, 6);
      expect(got[i]![1]).toBeCloseTo(theta[1]!, 6);
    });
  });

  it('reproduces torch.optim.Adam(weight_decay=0.1)', () => {
    const got = run(new Adam({ weightDecay: ref.adam.weight_decay }));
    got.forEach((p, i) => p.forEach((x, j) => expect(x).toBeCloseTo(ref.adam.trajectory[i]![j]!, 6)));
  });

  it('continues identically after its state is saved and restored', () => {
    const a = new Adam({ weightDecay: 0.1 });
    const p = Float32Array.from(ref.init);
    a.step([p], [Float32Array.from(ref.grads[0]!)], 1e-2);
    const b = new Adam({ weightDecay: 0.1 });
    b.setState(a.getState());
    const q = p.slice();
    a.step([p], [Float32Array.from(ref.grads[1]!)], 1e-2);
    b.step([q], [Float32Array.from(ref.grads[1]!)], 1e-2);
    expect(Array.from(q)).toEqual(Array.from(p));
  });
});

describe('SGD with momentum (torch semantics)', () => {
  it('matches the formula: buffer = g on the first step, then μ·b + g', () => {
    const [mu, wd] = [0.9, 0.1];
    let theta = [...ref.init];
    let buf: number[] | undefined;
    const got = run(new Sgd({ momentum: mu, weightDecay: wd }));
    ref.grads.forEach((grad, i) => {
      const g = grad.map((gj, j) => gj + wd * theta[j]!);
      buf = buf ? buf.map((bj, j) => mu * bj + g[j]!) : g;
      theta = theta.map((th, j) => th - ref.lrs[i]! * buf![j]!);
      expect(got[i]![0]).toBeCloseTo(theta[0]!, 6);
      expect(got[i]![1]).toBeCloseTo(theta[1]!, 6);
    });
  });

  it('reproduces torch.optim.SGD(momentum=0.9, weight_decay=0.1)', () => {
    const got = run(new Sgd({ momentum: ref.sgd.momentum, weightDecay: ref.sgd.weight_decay }));
    got.forEach((p, i) => p.forEach((x, j) => expect(x).toBeCloseTo(ref.sgd.trajectory[i]![j]!, 6)));
  });
});

describe('cosine annealing', () => {
  it('reproduces torch CosineAnnealingLR', () => {
    const c = ref.cosine;
    c.lrs.forEach((lr, t) => expect(cosineAnnealingLr(c.base_lr, c.eta_min, t, c.t_max)).toBeCloseTo(lr, 12));
  });

  it('per-epoch granularity keeps the lr constant within an epoch; per-step anneals across steps', () => {
    const s = { baseLr: 1e-3, etaMin: 1e-5, epochs: 3, stepsPerEpoch: 4 };
    expect(scheduledLr({ ...s, granularity: 'epoch' }, 1, 0)).toBe(scheduledLr({ ...s, granularity: 'epoch' }, 1, 3));
    expect(scheduledLr({ ...s, granularity: 'step' }, 0, 0)).toBe(1e-3);
    expect(scheduledLr({ ...s, granularity: 'step' }, 1, 2)).toBeCloseTo(cosineAnnealingLr(1e-3, 1e-5, 6, 12), 15);
  });
});
