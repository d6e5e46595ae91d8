import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildLabelFeaturesForward } from '../../src/main/pipeline/train/label-features-graph';
import { buildProjectionForward } from '../../src/main/pipeline/train/projection-graph';
import { scaledTransposedText } from '../../src/main/pipeline/train/projection-trainer';
import { initProjection, projectionParams } from '../../src/main/pipeline/train/projection-weights';
import { SeededRandom } from '../../src/main/pipeline/train/seeded-random';
import { normalizedRows } from '../../src/main/pipeline/train/training-data';
import { openTrainingStep } from '../../src/main/pipeline/train/training-step-session';
import { labelFeaturesLoss64, projectionLoss64 } from './reference-losses';
import { uniformArray } from './synthetic-data';

// Gradients from the vjp graph against central finite differences of the float64 reference losses
// (reference-losses.ts), along random directions: ⟨∇L, v⟩ ≈ (L(θ+εv) − L(θ−εv)) / 2ε.
const d = 8;
const c = 5;
const n = 6;

function dot(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let s = 0;
  a.forEach((x, k) => {
    for (let i = 0; i < x.length; i++) s += x[i]! * b[k]![i]!;
  });
  return s;
}

function shifted(params: Float32Array[], dir: Float32Array[], s: number): Float64Array[] {
  return params.map((p, k) => Float64Array.from(p, (x, i) => x + s * dir[k]![i]!));
}

function targetsTensor(t: Int32Array): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(Array.from(t, (v) => BigInt(v))), [t.length]);
}

describe('projection training step (vjp)', () => {
  it('loss equals the float64 reference and gradients match finite differences per parameter and jointly', async () => {
    const rng = new SeededRandom(11);
    const features = uniformArray(rng, n * d);
    const text = uniformArray(rng, c * d);
    const targets = Int32Array.from({ length: n }, (_, i) => i % c);
    const w = initProjection(d, rng);
    // Move LayerNorm off its (1, 0) start so its gradients are exercised at a generic point.
    w.lnWeight.forEach((_, i) => (w.lnWeight[i] = rng.uniform(0.5, 1.5)));
    w.lnBias.forEach((_, i) => (w.lnBias[i] = rng.uniform(-0.3, 0.3)));
    const params = projectionParams(w);
    const step = await openTrainingStep(
      buildProjectionForward(d, scaledTransposedText(text, d), c),
      [
        { name: 'proj_weight', dims: [d, d] },
        { name: 'proj_bias', dims: [d] },
        { name: 'ln_weight', dims: [d] },
        { name: 'ln_bias', dims: [d] },
      ],
      { providers: ['cpu'] },
    );
    const out = await step.run({ features: new ort.Tensor('float32', features, [n, d]), target: targetsTensor(targets) }, params);
    await step.release();
    const loss64 = (p: ArrayLike<number>[]): number => projectionLoss64(features, targets, text, d, { weight: p[0]!, bias: p[1]!, lnWeight: p[2]!, lnBias: p[3]! });
    expect(out.loss).toBeCloseTo(loss64(params), 3);

    const eps = 1e-5;
    const directions: Float32Array[][] = [params.map((p) => uniformArray(rng, p.length))];
    // One direction per parameter tensor, so an error in one gradient cannot hide behind the others.
    for (let k = 0; k < params.length; k++) directions.push(params.map((p, j) => (j === k ? uniformArray(rng, p.length) : new Float32Array(p.length))));
    for (const v of directions) {
      const fd = (loss64(shifted(params, v, eps)) - loss64(shifted(params, v, -eps))) / (2 * eps);
      const analytic = dot(out.grads, v);
      expect(Math.abs(analytic - fd)).toBeLessThan(1e-3 * Math.max(1, Math.abs(fd)));
    }
  });
});

describe('label-feature training step (vjp)', () => {
  it('gradient through the in-graph normalisation matches finite differences', async () => {
    const rng = new SeededRandom(12);
    const images = uniformArray(rng, n * d);
    const labels = uniformArray(rng, c * d);
    const targets = Int32Array.from({ length: n }, (_, i) => (i * 3) % c);
    const step = await openTrainingStep(buildLabelFeaturesForward(d, c), [{ name: 'label_features', dims: [c, d] }], { providers: ['cpu'] });
    const out = await step.run(
      { image_features: new ort.Tensor('float32', normalizedRows(images, d), [n, d]), target: targetsTensor(targets) },
      [labels],
    );
    await step.release();
    const loss64 = (l: ArrayLike<number>): number => labelFeaturesLoss64(images, targets, l, d);
    expect(out.loss).toBeCloseTo(loss64(labels), 3);
    const eps = 1e-5;
    for (let trial = 0; trial < 3; trial++) {
      const v = uniformArray(rng, labels.length);
      const fd = (loss64(shifted([labels], [v], eps)[0]!) - loss64(shifted([labels], [v], -eps)[0]!)) / (2 * eps);
      expect(Math.abs(dot(out.grads, [v]) - fd)).toBeLessThan(1e-3 * Math.max(1, Math.abs(fd)));
    }
    // Scaling a label row does not change its cosine, so the gradient is orthogonal to each row.
    for (let r = 0; r < c; r++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += out.grads[0]![r * d + j]! * labels[r * d + j]!;
      expect(Math.abs(s)).toBeLessThan(1e-3);
    }
  });

  it('reports how many samples the logits rank first on their target', async () => {
    // Images equal to label rows 0, 1, 2 with targets 0, 2, 2: the first and last are right.
    const labels = Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const step = await openTrainingStep(buildLabelFeaturesForward(3, 3), [{ name: 'label_features', dims: [3, 3] }], { providers: ['cpu'] });
    const out = await step.run({ image_features: new ort.Tensor('float32', labels.slice(), [3, 3]), target: targetsTensor(Int32Array.from([0, 2, 2])) }, [labels]);
    await step.release();
    expect(out.correct).toBe(2);
  });
});
