// The torch.onnx export of a torchvision ResNet (Bottleneck blocks, dynamic batch; tests/fixtures/real-layouts/
// resnet_dynamic, reduced width: stages 4/8/16/32 channels, one block each, 32×32 input, 10 classes) as a user
// brings a ResNet-50: imported as the classifier role, then its vector-Jacobian product at a batch other than the
// traced one checked against central finite differences of onnxruntime's own forward pass (no torch involved).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModel } from '../../src/main/models';
import { createSession, loadModel, vjp, type SessionHandle } from '../../src/main/onnx';
import { mulberry32 } from '../../src/main/random/mulberry32';

const MODEL = join(fileURLToPath(new URL('../fixtures/real-layouts/resnet_dynamic', import.meta.url)), 'model.onnx');
const BATCH = 2; // the export was traced at batch 1
const INPUT = [BATCH, 3, 32, 32];
const CLASSES = 10;

function random(n: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n }, () => next() * 2 - 1);
}

describe('torch-exported ResNet classifier with a dynamic batch', () => {
  let forward: SessionHandle;
  let backward: SessionHandle;
  const n = INPUT.reduce((a, b) => a * b, 1);
  const x = random(n, 1);
  const cot = random(BATCH * CLASSES, 2);

  beforeAll(async () => {
    forward = await createSession(MODEL, { providers: ['cpu'] });
    backward = await createSession(vjp(loadModel(MODEL), { of: ['logits'], wrt: ['input'] }), { providers: ['cpu'] });
  });
  afterAll(async () => {
    await forward?.release();
    await backward?.release();
  });

  /** ⟨cotangent, logits(x)⟩ in float64 from float32 logits. */
  const projected = async (input: Float32Array): Promise<number> => {
    const out = (await forward.run({ input: new ort.Tensor('float32', input, INPUT) })).logits!;
    expect(out.dims).toEqual([BATCH, CLASSES]);
    const logits = out.data as Float32Array;
    let s = 0;
    for (let i = 0; i < logits.length; i++) s += cot[i]! * logits[i]!;
    return s;
  };

  it('imports as the classifier role (the single .onnx file, symbolic batch kept)', async () => {
    const { record } = await importModel({ role: 'classifier', source: MODEL, provider: 'cpu' });
    expect(record.role).toBe('classifier');
    expect(record.sha256).toMatch(/^[0-9a-f]{64}$/);
    const dims = loadModel(MODEL).graph!.input![0]!.type!.tensorType!.shape!.dim!;
    expect(dims[0]!.dimParam).toBe('batch');
  });

  it('∂⟨c, logits⟩/∂input matches central finite differences along random directions, at batch 2', async () => {
    const res = await backward.run({ input: new ort.Tensor('float32', x, INPUT), grad_logits: new ort.Tensor('float32', cot, [BATCH, CLASSES]) });
    const g = res.grad_input!;
    expect(g.dims).toEqual(INPUT);
    const grad = g.data as Float32Array;
    const h = 2e-3;
    const norm = (a: Float32Array) => Math.sqrt(a.reduce((acc, v) => acc + v * v, 0));
    const gNorm = norm(grad);
    expect(gNorm).toBeGreaterThan(0);
    // Along the gradient itself (the best-conditioned direction), then along random ones, where the projection is
    // small and the error is judged against |g|·|v|, the most a wrong gradient could be off by.
    const directions = [grad.map((v) => v / gNorm), random(n, 3), random(n, 4)];
    for (const [k, v] of directions.entries()) {
      let analytic = 0;
      for (let i = 0; i < n; i++) analytic += grad[i]! * v[i]!;
      const plus = x.map((xi, i) => xi + h * v[i]!);
      const minus = x.map((xi, i) => xi - h * v[i]!);
      const numeric = ((await projected(plus)) - (await projected(minus))) / (2 * h);
      const scale = k === 0 ? Math.abs(analytic) : gNorm * norm(v);
      expect(Math.abs(numeric - analytic) / scale, `direction ${k}: analytic ${analytic}, numeric ${numeric}`).toBeLessThan(1e-2);
    }
    // Each batch row's gradient depends only on its own image: zero the cotangent of row 1, row 1's gradient is 0.
    const half = cot.slice();
    half.fill(0, CLASSES);
    const only0 = (await backward.run({ input: new ort.Tensor('float32', x, INPUT), grad_logits: new ort.Tensor('float32', half, [BATCH, CLASSES]) })).grad_input!.data as Float32Array;
    const per = n / BATCH;
    expect(only0.subarray(per).every((v) => v === 0)).toBe(true);
    expect(only0.subarray(0, per).some((v) => v !== 0)).toBe(true);
  });
});
