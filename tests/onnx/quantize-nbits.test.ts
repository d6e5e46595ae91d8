// transformers.js' q4 variants hold onnxruntime's `com.microsoft` MatMulNBits nodes (4-bit block-quantized weights).
// The reference here is written from the contrib op's spec (docs/REAL-LAYOUTS.md cites it), not from the quantizer:
// B [N, k_blocks, block_size/2] with the first value of each byte pair in the low nibble, scales [N, k_blocks],
// zero points packed the same way or 8 when absent, W[k, n] = (q − zp) · scale.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, saveModel, tensorToArray, type ModelProto } from '../../src/main/onnx';
import { Rng } from '../../src/main/onnx/factory';
import { quantizeMatMulNBits } from '../../src/main/onnx/factory/quantize-nbits';

function oneMatMul(K: number, N: number, seed: number): { model: ModelProto; w: Float32Array } {
  const b = new GraphBuilder({ name: 'one_matmul' });
  const w = new Rng(seed).normalArray(K * N, 1 / Math.sqrt(K));
  const x = b.input('x', 'float32', ['rows', K]);
  b.node('MatMul', [x, b.initializer('proj.weight', w, [K, N])], {}, { outputs: ['y'] });
  b.output('y', 'float32', ['rows', N]);
  return { model: b.build(), w };
}

/** The spec's dequantization, from the stored initializers of the MatMulNBits node. */
function dequantize(model: ModelProto): { w: Float32Array; scales: Float32Array; blockSize: number; K: number; N: number } {
  const node = model.graph!.node!.find((n) => n.opType === 'MatMulNBits')!;
  const attr = (name: string) => Number(node.attribute!.find((a) => a.name === name)!.i);
  const [K, N, blockSize] = [attr('K'), attr('N'), attr('block_size')];
  expect(attr('bits')).toBe(4);
  const init = (name: string | undefined) => model.graph!.initializer!.find((t) => t.name === name);
  const packed = tensorToArray(init(node.input![1])!) as Uint8Array;
  const scales = tensorToArray(init(node.input![2])!) as Float32Array;
  const zpTensor = init(node.input![3]);
  const zeroPoints = zpTensor ? (tensorToArray(zpTensor) as Uint8Array) : undefined;
  const kBlocks = Math.ceil(K / blockSize);
  const w = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const b = Math.floor(k / blockSize);
      const i = k % blockSize;
      const byte = packed[(n * kBlocks + b) * (blockSize / 2) + Math.floor(i / 2)]!;
      const q = i % 2 === 0 ? byte & 0x0f : byte >> 4;
      const zpByte = zeroPoints?.[n * Math.ceil(kBlocks / 2) + Math.floor(b / 2)];
      const zp = zpByte === undefined ? 8 : b % 2 === 0 ? zpByte & 0x0f : zpByte >> 4;
      w[k * N + n] = (q - zp) * scales[n * kBlocks + b]!;
    }
  }
  return { w, scales, blockSize, K, N };
}

function matmul(x: Float32Array, w: Float32Array, rows: number, K: number, N: number): Float32Array {
  const y = new Float32Array(rows * N);
  for (let r = 0; r < rows; r++) for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) y[r * N + n] = y[r * N + n]! + x[r * K + k]! * w[k * N + n]!;
  return y;
}

async function run(model: ModelProto, x: Float32Array, rows: number, K: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(saveModel(model), { executionProviders: ['cpu'] });
  try {
    const out = await session.run({ x: new ort.Tensor('float32', x, [rows, K]) });
    return out.y!.data as Float32Array;
  } finally {
    await session.release();
  }
}

const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('quantizeMatMulNBits (onnxruntime MatMulNBits, 4 bits)', () => {
  // 48 is not a multiple of 32: the last block of each column is padded, as the quantizer pads K.
  for (const [K, N, symmetric] of [[64, 24, true], [48, 20, false], [16, 59, true]] as const) {
    it(`K=${K} N=${N} ${symmetric ? 'symmetric' : 'asymmetric (zero points)'}: onnxruntime's MatMulNBits equals x · deq(W), and deq(W) is within the rounding bound of W`, async () => {
      const { model, w } = oneMatMul(K, N, K + N);
      const q = quantizeMatMulNBits(model, { symmetric });
      const node = q.graph!.node!;
      expect(node.map((n) => [n.opType, n.domain])).toEqual([['MatMulNBits', 'com.microsoft']]);
      expect(node[0]!.input).toEqual(symmetric ? ['x', 'proj.weight_Q4', 'proj.weight_scales'] : ['x', 'proj.weight_Q4', 'proj.weight_scales', 'proj.weight_zero_points']);
      expect(q.graph!.initializer!.map((t) => t.name)).not.toContain('proj.weight');
      expect(q.opsetImport).toContainEqual({ domain: 'com.microsoft', version: 1 });

      const deq = dequantize(q);
      expect(deq.blockSize).toBe(K < 32 ? 16 : 32);
      // Per block: |W − deq(W)| ≤ |scale|/2 (round to nearest). Symmetric: the level +8 does not exist (q ≤ 15 ⇒ q−8 ≤ 7),
      // so the values of the sign opposite to the block's largest one, at most one step away, may err by up to |scale|.
      const kBlocks = Math.ceil(K / deq.blockSize);
      let clippedAtFullStep = 0;
      for (let k = 0; k < K; k++) {
        for (let n = 0; n < N; n++) {
          const scale = Math.abs(deq.scales[n * kBlocks + Math.floor(k / deq.blockSize)]!);
          const err = Math.abs(w[k * N + n]! - deq.w[k * N + n]!);
          if (err > scale / 2 + 1e-7) {
            expect(symmetric).toBe(true);
            expect(err).toBeLessThanOrEqual(scale + 1e-7);
            clippedAtFullStep++;
          }
        }
      }
      if (!symmetric) expect(clippedAtFullStep).toBe(0);

      const rows = 5;
      const x = new Rng(7).normalArray(rows * K, 1);
      const [yQ, yF] = [await run(q, x, rows, K), await run(model, x, rows, K)];
      const yDeq = matmul(x, deq.w, rows, K, N);
      // onnxruntime runs the spec's arithmetic: float32 accumulation differences only.
      expect(maxAbs(yQ, yDeq)).toBeLessThan(1e-4);
      // And follows the float32 MatMul, bounded by Σ_k |x_k| · max|W − deq(W)| per output.
      const wErr = maxAbs(w, deq.w);
      const rowL1 = Math.max(...Array.from({ length: rows }, (_, r) => x.slice(r * K, (r + 1) * K).reduce((s, v) => s + Math.abs(v), 0)));
      const dF = maxAbs(yQ, yF);
      expect(dF).toBeLessThanOrEqual(rowL1 * wErr + 1e-4);
      expect(dF).toBeGreaterThan(0);
    });
  }
});
