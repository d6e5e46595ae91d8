import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyClassifier, buildVaeDecoder } from '../../src/main/onnx/factory';
import { loadGuidanceClassifier } from '../../src/main/pipeline/generate/guidance/classifier';
import { GuidanceRunner } from '../../src/main/pipeline/generate/guidance/guidance-runner';
import type { Objective } from '../../src/main/pipeline/generate/guidance/objectives';

// The guidance graph (decoder → clamp → resize/crop/normalise → classifier → loss), differentiated by the
// onnx module's vjp, checked against central finite differences of the forward graph's own loss, and the
// loss values against the objectives' formulas evaluated here on the graph's logits.

const LATENT = [1, 4, 8, 8];
const SIZE = 64;
const NUM_CLASSES = 10;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function randomVector(n: number, seed: number, scale: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() * 2 - 1) * scale);
}

function lse(f: Float32Array): number {
  const m = Math.max(...f);
  return m + Math.log(f.reduce((a, v) => a + Math.exp(v - m), 0));
}

/** The objectives written out independently of the loss subgraph. */
const expectedLoss: Record<'code' | 'energy' | 'msp', (f: Float32Array) => number> = {
  code: (f) => {
    const s = f.reduce((a, v) => a + v, 0) / f.length - lse(f);
    return (-5 - s) ** 2;
  },
  energy: (f) => 0.5 - lse(f),
  msp: (f) => Math.exp(Math.max(...f) - lse(f)),
};

describe('guidance gradient', () => {
  const runners = new Map<Objective, GuidanceRunner>();

  beforeAll(async () => {
    const decoder = buildVaeDecoder({ seed: 11, imageSize: SIZE });
    const classifier = loadGuidanceClassifier(buildTinyClassifier({ seed: 12, numClasses: NUM_CLASSES }));
    for (const objective of ['code', 'energy', 'msp'] as const) {
      runners.set(
        objective,
        await GuidanceRunner.create(
          decoder,
          classifier,
          { numClasses: NUM_CLASSES, latentDims: LATENT, height: SIZE, width: SIZE, latentScale: 0.18215, objective, objectiveOptions: { energyMargin: 0.5 } },
          { providers: ['cpu'] },
        ),
      );
    }
  });

  afterAll(async () => {
    for (const r of runners.values()) await r.release();
  });

  for (const objective of ['code', 'energy', 'msp'] as const) {
    it(`${objective}: the loss output is the objective of the logits`, async () => {
      const z0 = randomVector(256, 1, 0.5);
      const ev = await runners.get(objective)!.evaluate(z0);
      expect(ev.logits.length).toBe(NUM_CLASSES);
      expect(ev.loss).toBeCloseTo(expectedLoss[objective](ev.logits), 4);
    });

    it(`${objective}: ∂loss/∂z0 matches central finite differences along random directions`, async () => {
      const runner = runners.get(objective)!;
      const z0 = randomVector(256, 2, 0.5);
      const { grad, loss } = await runner.gradient(z0);
      expect((await runner.evaluate(z0)).loss).toBeCloseTo(loss!, 5);
      const lossAt = async (x: Float32Array) => (await runner.evaluate(x)).loss!;
      // The graph is piecewise smooth (clamp, ReLU, max-pool): at h = 1e-2 kinks inside [z0 − h·v, z0 + h·v]
      // still bias the difference by up to ~30%, shrinking steadily with h. At h = 1e-4 float32 rounding of
      // the loss (~1e-6 relative) can add up to ~1e-2·|loss| to the quotient, hence the absolute term.
      const h = 1e-4;
      for (const seed of [3, 4, 5]) {
        const v = randomVector(256, seed, 1);
        const plus = Float32Array.from(z0, (x, i) => x + h * v[i]!);
        const minus = Float32Array.from(z0, (x, i) => x - h * v[i]!);
        const numeric = ((await lossAt(plus)) - (await lossAt(minus))) / (2 * h);
        const analytic = grad.reduce((a, g, i) => a + g * v[i]!, 0);
        expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(0.03 * Math.abs(numeric) + 5e-3 * Math.max(1, Math.abs(loss!)));
      }
    });
  }
});
