import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, loadModel, onnxInfo, onnxVjp, runModel, saveModel } from '../../src/main/onnx';

function writeModel(dir: string): string {
  const b = new GraphBuilder({ opset: 17 });
  const x = b.input('x', 'float32', ['N', 3]);
  const w = b.initializer('w', Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
  const h = b.op('Tanh', [b.op('MatMul', [x, w])]);
  b.node('Mul', [h, h], {}, { outputs: ['y'] });
  b.output('y', 'float32', ['N', 2]);
  const path = join(dir, 'm.onnx');
  writeFileSync(path, saveModel(b.build()));
  return path;
}

describe('onnx CLI functions', () => {
  it('onnxInfo lists opset, inputs/outputs with shapes and op counts', () => {
    const text = onnxInfo(writeModel(mkdtempSync(join(tmpdir(), 'onnx-cli-'))));
    expect(text).toContain('opsets: ai.onnx=17');
    expect(text).toContain('x float32 [N, 3]');
    expect(text).toContain('y float32 [N, 2]');
    expect(text).toContain('initializers: 1');
    expect(text).toMatch(/MatMul: 1/);
    expect(text).toMatch(/Tanh: 1/);
    expect(text).toMatch(/nodes: 3/);
  });

  it('onnxVjp writes a gradient model that runs: d(tanh(xW)^2)/dx = 2 t (1 - t^2) W^T', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-cli-'));
    const out = join(dir, 'grad.onnx');
    onnxVjp(writeModel(dir), { of: ['y'], wrt: ['x'], out });
    const grad = loadModel(out);
    expect(grad.graph!.output!.map((o) => o.name)).toEqual(['grad_x']);
    const xs = [0.1, -0.2, 0.05];
    const res = await runModel(out, {
      x: new ort.Tensor('float32', Float32Array.from(xs), [1, 3]),
      grad_y: new ort.Tensor('float32', Float32Array.from([1, 1]), [1, 2]),
    });
    const W = [[1, 2], [3, 4], [5, 6]];
    const t = [0, 1].map((j) => Math.tanh(xs.reduce((s, xi, i) => s + xi * W[i]![j]!, 0)));
    const expected = xs.map((_, i) => t.reduce((s, tj, j) => s + 2 * tj * (1 - tj * tj) * W[i]![j]!, 0));
    const got = Array.from(res.grad_x!.data as Float32Array);
    got.forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 5));
  });
});
