import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decoderInput, stepNoise } from '../../src/main/pipeline/generate/guidance/generate-candidate';
import { loadGuidanceClassifier } from '../../src/main/pipeline/generate/guidance/classifier';
import { GuidanceRunner } from '../../src/main/pipeline/generate/guidance/guidance-runner';
import type { Objective } from '../../src/main/pipeline/generate/guidance/objectives';

// The size and direction of the noise update against an independent torch autograd replica of the official
// update (scripts/torch-check/guidance_replica.py): a small SD-VAE-like decoder and a small torchvision ResNet
// exported by torch.onnx, the gradient taken w.r.t. the decoder input u = z0 / 0.18215, the loss a mean over a
// batch of B = 2 (each image's step r/B·∂ℓ_i/∂u) or per image. The project differentiates the exported ONNX
// graphs with its own engine, one image at a time, and scales the step by r/B.

const DIR = join(__dirname, '..', 'fixtures', 'guidance-replica');

interface ReplicaCase {
  objective: Objective;
  reduction: 'batch-mean' | 'per-image';
  batchSize: number;
  losses: number[];
  lossesAfterStepOnU: number[];
  grad: string;
  epsUpdated: string;
}
interface Replica {
  latentScale: number;
  latent: number[];
  image: number;
  resizeShorter: number;
  crop: number;
  numClasses: number;
  lr: number;
  energyMargin: number;
  energyTemperature: number;
  officialTarget: number;
  z0: string;
  eps: string;
  cases: ReplicaCase[];
}

const replica = JSON.parse(readFileSync(join(DIR, 'replica.json'), 'utf8')) as Replica;
const f32 = (b64: string) => {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};
const [B, ...one] = replica.latent as [number, ...number[]];
const per = one.reduce((a, d) => a * d, 1);
const image = (v: Float32Array, i: number) => v.subarray(i * per, (i + 1) * per);

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((a, x) => a + x * x, 0));
}
function relL2(actual: Float32Array, expected: Float32Array): number {
  let d = 0;
  for (let i = 0; i < actual.length; i++) d += (actual[i]! - expected[i]!) ** 2;
  return Math.sqrt(d) / norm(expected);
}
function cosine(a: Float32Array, b: Float32Array): number {
  return a.reduce((s, x, i) => s + x * b[i]!, 0) / (norm(a) * norm(b));
}

describe('guidance update vs a torch autograd replica of the official update', () => {
  const runners = new Map<Objective, GuidanceRunner>();

  beforeAll(async () => {
    const classifier = loadGuidanceClassifier(join(DIR, 'classifier.onnx'), { cropSize: replica.crop, resizeShorter: replica.resizeShorter });
    expect(classifier.resizeFilter).toBe('bilinear-antialias');
    for (const objective of ['official', 'energy', 'msp'] as const) {
      runners.set(
        objective,
        await GuidanceRunner.create(
          join(DIR, 'vae_decoder.onnx'),
          classifier,
          {
            numClasses: replica.numClasses,
            latentDims: [1, ...one],
            height: replica.image,
            width: replica.image,
            objective,
            objectiveOptions: { officialTarget: replica.officialTarget, energyMargin: replica.energyMargin, energyTemperature: replica.energyTemperature },
          },
          { providers: ['cpu'] },
        ),
      );
    }
  });

  afterAll(async () => {
    for (const r of runners.values()) await r.release();
  });

  const z0 = f32(replica.z0);
  const eps = f32(replica.eps);
  expect(B).toBe(2);

  for (const c of replica.cases) {
    it(`${c.objective}, ${c.reduction} (B = ${c.batchSize}): ∂L/∂u and the updated noise match torch to 1e-4`, async () => {
      const runner = runners.get(c.objective)!;
      const expectedGrad = f32(c.grad);
      const expectedEps = f32(c.epsUpdated);
      for (let i = 0; i < B; i++) {
        const u = decoderInput(image(z0, i), replica.latentScale);
        const { grad, loss } = await runner.gradient(u);
        expect(loss!).toBeCloseTo(c.losses[i]!, 3);
        // The loss the project differentiates is one image's ℓ_i; the batch mean's 1/B goes into the step.
        const scale = replica.lr / c.batchSize;
        const mine = Float32Array.from(grad, (g) => g / c.batchSize);
        const theirs = image(expectedGrad, i);
        expect(relL2(mine, theirs)).toBeLessThanOrEqual(1e-4);
        expect(cosine(mine, theirs)).toBeGreaterThan(1 - 1e-8);
        expect(Math.abs(norm(mine) / norm(theirs) - 1)).toBeLessThanOrEqual(1e-4);
        const updated = stepNoise(image(eps, i), grad, scale);
        const expectedUpdated = image(expectedEps, i);
        // The step itself (updated − ε), so that ε's own size cannot hide an error in it.
        const step = Float32Array.from(updated, (v, k) => v - image(eps, i)[k]!);
        const expectedStep = Float32Array.from(expectedUpdated, (v, k) => v - image(eps, i)[k]!);
        expect(relL2(step, expectedStep)).toBeLessThanOrEqual(1e-4);
        expect(relL2(updated, expectedUpdated)).toBeLessThanOrEqual(1e-5);
        // Direction and size of the effect: the same step applied to u lowers the loss (toward OOD for each
        // objective: s up, E up, max softmax down) to the value torch reaches with its own step.
        const after = (await runner.evaluate(stepNoise(u, grad, scale))).loss!;
        expect(after).toBeLessThan(loss!);
        // Relative to the change the step makes (a large step lands where float32 differences are amplified),
        // plus float32 resolution of the loss itself (MSP's step changes it by ~1e-5).
        expect(Math.abs(after - c.lossesAfterStepOnU[i]!)).toBeLessThanOrEqual(1e-3 * Math.abs(loss! - c.lossesAfterStepOnU[i]!) + 1e-6 * Math.abs(loss!));
      }
    });
  }

  it('a gradient w.r.t. the scaled latent z0 would be 1/0.18215 ≈ 5.49× the official step: the replica tells them apart', () => {
    const official = replica.cases.find((c) => c.objective === 'official' && c.reduction === 'per-image')!;
    const g = f32(official.grad);
    const wrongStep = Float32Array.from(g, (x) => (replica.lr * x) / replica.latentScale);
    const rightStep = Float32Array.from(g, (x) => replica.lr * x);
    expect(norm(wrongStep) / norm(rightStep)).toBeCloseTo(1 / 0.18215, 4);
    expect(relL2(wrongStep, rightStep)).toBeGreaterThan(4);
  });
});
