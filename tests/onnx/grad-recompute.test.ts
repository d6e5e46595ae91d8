import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { runModel, vjp, type ModelProto } from '../../src/main/onnx';
import { buildModel, expectGradient, randomArray, rng } from './gradcheck';

// Two SiLU blocks, x * Sigmoid(x), behind a scale-and-shift and a GroupNorm-like InstanceNormalization, the
// pattern of the SD VAE decoder that the recompute pass is for.
function siluNet(): ModelProto {
  const next = rng(3);
  return buildModel((b) => {
    const x = b.input('x', 'float32', [1, 4, 5, 5]);
    const w = b.initializer('w', randomArray(4, next, 0.5, 1.5), [1, 4, 1, 1]);
    const a = b.op('Add', [b.op('Mul', [x, w]), b.initializer('shift', randomArray(4, next), [1, 4, 1, 1])]);
    const h = b.op('Mul', [a, b.op('Sigmoid', [a])]);
    const n = b.op('InstanceNormalization', [h, b.initializer('scale', randomArray(4, next, 0.5, 1.5), [4]), b.initializer('bias', randomArray(4, next), [4])]);
    return b.op('Mul', [n, b.op('Sigmoid', [n])]);
  });
}

const sigmoidOutputs = (m: ModelProto) => new Set((m.graph?.node ?? []).filter((n) => n.opType === 'Sigmoid' && !n.name?.startsWith('grad/')).flatMap((n) => n.output ?? []));
// Backward nodes (named grad/…) that read a forward Sigmoid's output: those outputs stay alive until the backward.
const backwardReadersOfForwardSigmoids = (m: ModelProto, forwardSigmoids: Set<string>) =>
  (m.graph?.node ?? []).filter((n) => n.name?.startsWith('grad/') && (n.input ?? []).some((i) => forwardSigmoids.has(i)));

describe('vjp recomputes cheap forward outputs in the backward', () => {
  it('no backward node reads a forward Sigmoid output; with recompute off the backward does', () => {
    const model = siluNet();
    const forwardSigmoids = sigmoidOutputs(model);
    expect(forwardSigmoids.size).toBe(2);
    const stored = vjp(model, { of: ['out0'], wrt: ['x'], recompute: false });
    expect(backwardReadersOfForwardSigmoids(stored, forwardSigmoids).length).toBeGreaterThan(0);
    const recomputed = vjp(model, { of: ['out0'], wrt: ['x'] });
    expect(backwardReadersOfForwardSigmoids(recomputed, forwardSigmoids)).toEqual([]);
    const copies = (recomputed.graph?.node ?? []).filter((n) => n.opType === 'Sigmoid' && n.name?.startsWith('grad/recompute/'));
    expect(copies.length).toBe(2);
  });

  it('the recomputing gradient matches finite differences', async () => {
    await expectGradient({ model: siluNet(), wrt: ['x'], of: ['out0'], inputs: { x: [1, 4, 5, 5] }, range: [-2, 2], h: 1e-2 });
  });

  it('gives the same gradient as the graph that keeps the Sigmoid outputs', async () => {
    const model = siluNet();
    const next = rng(11);
    const x = new ort.Tensor('float32', randomArray(100, next, -2, 2), [1, 4, 5, 5]);
    const gy = randomArray(100, next);
    const run = async (recompute: boolean, cotangent: Float32Array) =>
      (await runModel(vjp(model, { of: ['out0'], wrt: ['x'], recompute }), { x, grad_out0: new ort.Tensor('float32', cotangent, [1, 4, 5, 5]) })).grad_x!.data as Float32Array;
    const [stored, recomputed] = [await run(false, gy), await run(true, gy)];
    expect(Math.max(...stored.map(Math.abs))).toBeGreaterThan(0.1);
    for (let i = 0; i < stored.length; i++) expect(recomputed[i]).toBeCloseTo(stored[i]!, 6);
  });
});
