// The factory's building blocks against plain-loop formulas written out here.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createSession, type ModelProto, tensorToArray } from '../../src/main/onnx';
import { geluExact, groupNorm, upsampleNearest2x } from '../../src/main/onnx/factory/layers';
import { createNet, type Net } from '../../src/main/onnx/factory/net';
import { Rng } from '../../src/main/onnx/factory';
import { pick } from '../helpers/session-outputs';

async function runOne(model: ModelProto, x: Float32Array, dims: number[]): Promise<ort.Tensor> {
  const handle = await createSession(model, { providers: ['cpu'] });
  try {
    return pick(await handle.run({ x: new ort.Tensor('float32', x, dims) }), 'y').y;
  } finally {
    await handle.release();
  }
}

function singleOpModel(dims: number[], body: (net: Net, x: string) => string): ModelProto {
  const net = createNet(3, 'layer');
  const x = net.b.input('x', 'float32', dims);
  net.b.node('Identity', [body(net, x)], {}, { outputs: ['y'] });
  net.b.output('y', 'float32');
  return net.b.build();
}

function initializer(model: ModelProto, name: string): Float32Array {
  return tensorToArray(model.graph!.initializer!.find((t) => t.name === name)!) as Float32Array;
}

// Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7).
function erf(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return s * (1 - poly * Math.exp(-a * a));
}

describe('factory layers', () => {
  it('groupNorm normalises each (sample, group) over its channels and pixels, then applies the per-channel affine', async () => {
    const [n, c, h, w, groups, eps] = [2, 8, 3, 3, 4, 1e-5];
    const x = new Rng(1).normalArray(n * c * h * w, 2, 0.5);
    const model = singleOpModel([n, c, h, w], (net, t) => groupNorm(net, t, 'gn', c, groups, eps));
    const y = (await runOne(model, x, [n, c, h, w])).data as Float32Array;
    const gamma = initializer(model, 'gn.weight');
    const beta = initializer(model, 'gn.bias');
    const per = (c / groups) * h * w;
    for (let s = 0; s < n; s++) {
      for (let g = 0; g < groups; g++) {
        const start = (s * c + g * (c / groups)) * h * w;
        const vals = Array.from(x.subarray(start, start + per));
        const mean = vals.reduce((a, v) => a + v, 0) / per;
        const variance = vals.reduce((a, v) => a + (v - mean) ** 2, 0) / per;
        vals.forEach((v, i) => {
          const ch = g * (c / groups) + Math.floor(i / (h * w));
          const expected = ((v - mean) / Math.sqrt(variance + eps)) * gamma[ch]! + beta[ch]!;
          expect(y[start + i]).toBeCloseTo(expected, 4);
        });
      }
    }
  });

  it('geluExact is 0.5·x·(1 + erf(x/√2))', async () => {
    const x = Float32Array.from([-4, -1.5, -0.3, 0, 0.2, 1, 2.5, 6]);
    const y = (await runOne(singleOpModel([8], geluExact), x, [8])).data as Float32Array;
    x.forEach((v, i) => expect(y[i]).toBeCloseTo(0.5 * v * (1 + erf(v / Math.SQRT2)), 5));
  });

  it('upsampleNearest2x repeats each pixel into a 2×2 block', async () => {
    const x = Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i);
    const y = (await runOne(singleOpModel([1, 2, 2, 3], upsampleNearest2x), x, [1, 2, 2, 3]));
    expect(y.dims).toEqual([1, 2, 4, 6]);
    const out = y.data as Float32Array;
    for (let ch = 0; ch < 2; ch++) {
      for (let r = 0; r < 4; r++) {
        for (let col = 0; col < 6; col++) expect(out[ch * 24 + r * 6 + col]).toBe(x[ch * 6 + Math.floor(r / 2) * 3 + Math.floor(col / 2)]);
      }
    }
  });
});
