import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyClassifier, buildVaeDecoder } from '../../src/main/onnx/factory';
import { stepNoise } from '../../src/main/pipeline/generate/guidance/generate-candidate';
import { loadGuidanceClassifier } from '../../src/main/pipeline/generate/guidance/classifier';
import { GuidanceRunner } from '../../src/main/pipeline/generate/guidance/guidance-runner';
import type { Objective } from '../../src/main/pipeline/generate/guidance/objectives';
import { GUIDANCE_DEFAULTS } from '../../src/shared/guidance';

// The guidance graph (decoder → clamp → resize/crop/normalise → classifier → loss), differentiated by the onnx
// module's vjp with respect to the decoder input u (docs/METHOD.md §3), checked three ways:
// - the loss output against each objective written out here from the method's definitions (not the code's);
// - ∂ℓ/∂u against central finite differences of the forward graph's loss in u;
// - the direction of the effect: one update u ← u − r·∂ℓ/∂u at the studio's default r makes the image more OOD
//   by the objective's own measure (official: s rises; energy: E rises; msp: max softmax falls).

const LATENT = [1, 4, 8, 8];
const SIZE = 64;
const NUM_CLASSES = 10;
const N = 256;
/** m_out above the tiny classifier's energies (about −3 to −2), so the hinge is active. */
const ENERGY_MARGIN = 0;
const TAU = 2;

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

function lse(f: ArrayLike<number>): number {
  const a = Array.from(f);
  const m = Math.max(...a);
  return m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0));
}

/** The official code's s = mean_c f − logsumexp f: ≤ −ln C, equal at uniform logits (most OOD). */
const sOf = (f: Float32Array) => f.reduce((a, v) => a + v, 0) / f.length - lse(f);
/** Energy score E = −τ·logsumexp(f/τ): higher = more OOD (Liu et al. 2020). */
const energyOf = (f: Float32Array) => -TAU * lse(Array.from(f, (v) => v / TAU));
const mspOf = (f: Float32Array) => Math.exp(Math.max(...f) - lse(f));

/** The objectives from their definitions (docs/METHOD.md §3), independent of the loss subgraph. */
const expectedLoss: Record<'official' | 'energy' | 'msp', (f: Float32Array) => number> = {
  // t = −5 is reachable with 10 classes (s ≤ −ln 10 ≈ −2.3), so the studio caps it at −ln C: (max(−5, −ln C) − s)².
  official: (f) => (Math.max(-5, -Math.log(f.length)) - sOf(f)) ** 2,
  energy: (f) => Math.max(0, ENERGY_MARGIN - energyOf(f)) ** 2,
  msp: mspOf,
};

/** Each objective's own OOD measure, oriented so that larger = more OOD. */
const oodMeasure: Record<'official' | 'energy' | 'msp', (f: Float32Array) => number> = {
  official: sOf,
  energy: energyOf,
  msp: (f) => -mspOf(f),
};

describe('guidance gradient w.r.t. the decoder input u', () => {
  const runners = new Map<Objective, GuidanceRunner>();

  beforeAll(async () => {
    const decoder = buildVaeDecoder({ seed: 11, imageSize: SIZE });
    const classifier = loadGuidanceClassifier(buildTinyClassifier({ seed: 12, numClasses: NUM_CLASSES }));
    for (const objective of ['official', 'energy', 'msp'] as const) {
      runners.set(
        objective,
        await GuidanceRunner.create(
          decoder,
          classifier,
          { numClasses: NUM_CLASSES, latentDims: LATENT, height: SIZE, width: SIZE, objective, objectiveOptions: { energyMargin: ENERGY_MARGIN, energyTemperature: TAU } },
          { providers: ['cpu'] },
        ),
      );
    }
  });

  afterAll(async () => {
    for (const r of runners.values()) await r.release();
  });

  it('the energy hinge is active at these latents (else its direction could not be seen)', async () => {
    const ev = await runners.get('energy')!.evaluate(randomVector(N, 1, 2.5));
    expect(energyOf(ev.logits)).toBeLessThan(ENERGY_MARGIN);
    expect(ev.loss!).toBeGreaterThan(0);
  });

  for (const objective of ['official', 'energy', 'msp'] as const) {
    it(`${objective}: the loss output is the objective of the logits`, async () => {
      const u = randomVector(N, 1, 2.5);
      const ev = await runners.get(objective)!.evaluate(u);
      expect(ev.logits.length).toBe(NUM_CLASSES);
      expect(ev.loss).toBeCloseTo(expectedLoss[objective](ev.logits), 4);
    });

    it(`${objective}: ∂ℓ/∂u matches central finite differences in u along random directions`, async () => {
      const runner = runners.get(objective)!;
      const u = randomVector(N, 2, 2.5);
      const { grad, loss } = await runner.gradient(u);
      expect((await runner.evaluate(u)).loss).toBeCloseTo(loss!, 5);
      const lossAt = async (x: Float32Array) => (await runner.evaluate(x)).loss!;
      // The graph is piecewise smooth (clamp, ReLU, max-pool): at large h kinks inside [u − h·v, u + h·v] bias
      // the difference; at h = 5e-4 float32 rounding of the loss (~1e-6 relative) adds up to ~2e-3·|loss|.
      const h = 5e-4;
      for (const seed of [3, 4, 5]) {
        const v = randomVector(N, seed, 1);
        const plus = Float32Array.from(u, (x, i) => x + h * v[i]!);
        const minus = Float32Array.from(u, (x, i) => x - h * v[i]!);
        const numeric = ((await lossAt(plus)) - (await lossAt(minus))) / (2 * h);
        const analytic = grad.reduce((a, g, i) => a + g * v[i]!, 0);
        expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(0.03 * Math.abs(numeric) + 2e-3 * Math.max(1, Math.abs(loss!)));
      }
    });

    it(`${objective}: one update at the default step makes the image more OOD by its own measure for ≥ 95 of 100 seeds`, async () => {
      const runner = runners.get(objective)!;
      let moreOod = 0;
      for (let seed = 0; seed < 100; seed++) {
        const u = randomVector(N, 1000 + seed, 2.5);
        const before = await runner.gradient(u);
        const after = await runner.evaluate(stepNoise(u, before.grad, GUIDANCE_DEFAULTS.lr));
        if (oodMeasure[objective](after.logits) > oodMeasure[objective](before.logits)) moreOod++;
      }
      expect(moreOod).toBeGreaterThanOrEqual(95);
    });
  }
});
