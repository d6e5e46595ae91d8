import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createSession, type ModelProto, tensorToArray, vjp } from '../../src/main/onnx';
import { buildTinyClassifier, RESNET50_SHAPES, Rng, writeTinyClassifier } from '../../src/main/onnx/factory';
import { pick } from '../helpers/session-outputs';

async function run(model: ModelProto, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const handle = await createSession(model, { providers: ['cpu'] });
  try {
    return await handle.run(feeds);
  } finally {
    await handle.release();
  }
}

function parameterCount(model: ModelProto, skip: RegExp): number {
  let n = 0;
  for (const t of model.graph!.initializer!) if (!skip.test(t.name!)) n += tensorToArray(t).length;
  return n;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

describe('tiny ResNet classifier', () => {
  it('is byte-identical for the same seed and differs for another seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'factory-cls-'));
    const a = writeTinyClassifier(join(dir, 'a.onnx'), { seed: 7 });
    const b = writeTinyClassifier(join(dir, 'b'), { seed: 7 });
    const c = writeTinyClassifier(join(dir, 'c.onnx'), { seed: 8 });
    expect(b).toBe(join(dir, 'b', 'model.onnx'));
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
    expect(statSync(a).size).toBeLessThan(2_000_000);
  });

  it('maps input [N,3,32,32] to logits [N,10] of moderate scale, with and without BatchNormalization nodes', async () => {
    const rng = new Rng(1);
    const x = new ort.Tensor('float32', rng.normalArray(2 * 3 * 32 * 32, 1), [2, 3, 32, 32]);
    for (const batchNorm of [false, true]) {
      const model = buildTinyClassifier({ batchNorm, inputName: 'pixel_values' });
      const ops = new Set(model.graph!.node!.map((n) => n.opType));
      expect(ops.has('BatchNormalization')).toBe(batchNorm);
      const { logits } = pick(await run(model, { pixel_values: x }), 'logits');
      expect(logits.dims).toEqual([2, 10]);
      const values = Array.from(logits.data as Float32Array);
      expect(values.every(Number.isFinite)).toBe(true);
      const rms = Math.sqrt(dot(values, values) / values.length);
      expect(rms).toBeGreaterThan(0.05);
      expect(rms).toBeLessThan(20);
    }
  });

  it('RESNET50_SHAPES has torchvision resnet50 parameter counts and runs to 1000 logits', async () => {
    // torchvision.models.resnet50(): 25,557,032 parameters, 53,120 of them BatchNorm weight+bias (26,560 channels).
    const withBn = buildTinyClassifier({ ...RESNET50_SHAPES, batchNorm: true });
    expect(parameterCount(withBn, /running_(mean|var)$/)).toBe(25_557_032);
    // Folding replaces each BatchNorm's weight+bias by one conv bias per channel.
    const folded = buildTinyClassifier(RESNET50_SHAPES);
    expect(parameterCount(folded, /^$/)).toBe(25_557_032 - 26_560);
    const x = new ort.Tensor('float32', new Rng(2).normalArray(3 * 224 * 224, 1), [1, 3, 224, 224]);
    const { logits } = pick(await run(folded, { input: x }), 'logits');
    expect(logits.dims).toEqual([1, 1000]);
    expect(Array.from(logits.data as Float32Array).every(Number.isFinite)).toBe(true);
  });

  it('is differentiable by vjp: <J^T u, d> matches a central finite difference', async () => {
    const model = buildTinyClassifier({ batchNorm: true });
    const rng = new Rng(3);
    const shape = [1, 3, 32, 32];
    const x = rng.normalArray(3 * 32 * 32, 1);
    const d = rng.normalArray(x.length, 1);
    const u = rng.normalArray(10, 1);
    const grad = await run(vjp(model, { of: ['logits'], wrt: ['input'] }), {
      input: new ort.Tensor('float32', x, shape),
      grad_logits: new ort.Tensor('float32', u, [1, 10]),
    });
    const analytic = dot(pick(grad, 'grad_input').grad_input.data as Float32Array, d);
    const h = 1e-3;
    const shifted = async (sign: number) => {
      const xs = x.map((v, i) => v + sign * h * d[i]!);
      const { logits } = pick(await run(model, { input: new ort.Tensor('float32', xs, shape) }), 'logits');
      return dot(logits.data as Float32Array, u);
    };
    const numeric = ((await shifted(1)) - (await shifted(-1))) / (2 * h);
    expect(Math.abs(numeric - analytic) / Math.abs(analytic)).toBeLessThan(1e-2);
  });
});
