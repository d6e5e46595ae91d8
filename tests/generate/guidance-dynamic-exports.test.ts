// The guidance graph built from real-layout exports with dynamic axes (tests/fixtures/real-layouts): a
// torch.onnx ResNet classifier with a symbolic batch and an SD-VAE-decoder layout with symbolic
// batch/height/width, both differentiated end to end by GuidanceRunner; and the float16 classifier export.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindInputShapes, loadModel, type ModelProto } from '../../src/main/onnx';
import { mulberry32 } from '../../src/main/random/mulberry32';
import { loadGuidanceClassifier } from '../../src/main/pipeline/generate/guidance/classifier';
import { GuidanceRunner } from '../../src/main/pipeline/generate/guidance/guidance-runner';
import type { GuidanceGraphSpec } from '../../src/main/pipeline/generate/guidance/guidance-graph';

const ROOT = fileURLToPath(new URL('../fixtures/real-layouts', import.meta.url));
const LATENT = [1, 4, 8, 8];
const SIZE = 32; // the decoder upsamples ×4
const N = LATENT.reduce((a, b) => a * b, 1);

function fixtureModel(name: string): ModelProto {
  return loadModel(join(ROOT, name, 'model.onnx'));
}

function randomVector(n: number, seed: number, scale: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
}

describe('guidance with dynamic-axis exports', () => {
  const spec: GuidanceGraphSpec = { numClasses: 10, latentDims: LATENT, height: SIZE, width: SIZE, objective: 'official' };
  let dynamic: GuidanceRunner;
  let fixed: GuidanceRunner;

  beforeAll(async () => {
    const decoder = fixtureModel('vae_decoder_dynamic');
    const classifierModel = fixtureModel('resnet_dynamic');
    const classifier = loadGuidanceClassifier(classifierModel);
    expect(classifierModel.graph!.input![0]!.type!.tensorType!.shape!.dim![0]!.dimParam).toBe('batch');
    expect(classifier.numClasses).toBe(10);
    expect(classifier.cropSize).toBe(32);
    dynamic = await GuidanceRunner.create(decoder, classifier, spec, { providers: ['cpu'] });
    // The same models with every axis fixed: the reference for the symbolic-batch graph.
    fixed = await GuidanceRunner.create(
      bindInputShapes(decoder, { latent_sample: LATENT }),
      loadGuidanceClassifier(bindInputShapes(classifierModel, { input: [1, 3, SIZE, SIZE] })),
      spec,
      { providers: ['cpu'] },
    );
  });

  afterAll(async () => {
    await dynamic?.release();
    await fixed?.release();
  });

  it('gives the fixed-shape graph’s loss and gradient', async () => {
    const u = randomVector(N, 7, 2);
    const a = await dynamic.gradient(u);
    const b = await fixed.gradient(u);
    expect(a.loss).toBeCloseTo(b.loss!, 6);
    let diff = 0;
    let norm = 0;
    a.grad.forEach((g, i) => {
      diff += (g - b.grad[i]!) ** 2;
      norm += b.grad[i]! ** 2;
    });
    expect(norm).toBeGreaterThan(0);
    expect(Math.sqrt(diff / norm)).toBeLessThan(1e-5);
  });

  it('∂loss/∂u matches central finite differences', async () => {
    const u = randomVector(N, 8, 2);
    const { grad, loss } = await dynamic.gradient(u);
    const lossAt = async (x: Float32Array) => (await dynamic.evaluate(x)).loss!;
    const h = 5e-4;
    for (const seed of [9, 10]) {
      const v = randomVector(N, seed, 1);
      const numeric = ((await lossAt(u.map((x, i) => x + h * v[i]!))) - (await lossAt(u.map((x, i) => x - h * v[i]!)))) / (2 * h);
      const analytic = grad.reduce((s, g, i) => s + g * v[i]!, 0);
      expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(0.03 * Math.abs(numeric) + 2e-3 * Math.max(1, Math.abs(loss!)));
    }
  });

  it('a float16 classifier export (float16 input and logits) composes: buildGuidanceModels widens it', async () => {
    const half = fixtureModel('resnet_fp16');
    const meta = JSON.parse(readFileSync(join(ROOT, 'resnet_fp16', 'meta.json'), 'utf8')) as { float16: { ioTypes: Record<string, string> } };
    expect(meta.float16.ioTypes.input).toBe('FLOAT16');
    const runner = await GuidanceRunner.create(fixtureModel('vae_decoder_dynamic'), loadGuidanceClassifier(half), spec, { providers: ['cpu'] });
    try {
      const u = randomVector(N, 7, 2);
      const a = await runner.gradient(u);
      const b = await fixed.gradient(u);
      // Same network up to the float16 rounding of its weights.
      expect(Math.abs(a.loss! - b.loss!)).toBeLessThan(1e-2 * Math.abs(b.loss!));
      expect(a.grad.every(Number.isFinite)).toBe(true);
    } finally {
      await runner.release();
    }
  });
});
