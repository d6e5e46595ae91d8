import type { ModelProto } from '../index';
import type { onnx } from '../proto-types';
import { AttributeType, TensorDataType } from '../data-types';
import { makeTensor, tensorDims, tensorToArray } from '../tensor';

/**
 * 4-bit block quantization of a float weight W [K, N] in the layout of onnxruntime's contrib op
 * `com.microsoft.MatMulNBits` (docs/REAL-LAYOUTS.md, LLaVA section, cites the spec):
 *   B      uint8 [N, k_blocks, block_size / 2]  column n's block b, two values per byte, the first in the low nibble
 *   scales float [N, k_blocks]
 *   zero_points uint8 [N, ceil(k_blocks / 2)]   packed the same way; absent when symmetric (the op then uses 8)
 * dequantized W[k, n] = (q − zero_point) · scale of the block of k. K is padded with zeros to whole blocks.
 */
export interface NBitsWeight {
  K: number;
  N: number;
  blockSize: number;
  packed: Uint8Array;
  scales: Float32Array;
  /** Present for asymmetric quantization only. */
  zeroPoints?: Uint8Array;
}

/**
 * onnxruntime's quantizers (matmul_nbits_quantizer.py, DefaultWeightOnlyQuantizer's quant_slice_* and the C++
 * quantize_matmul_4bits they mirror): symmetric — scale = (the block's value of largest magnitude) / −8,
 * q = clamp(round(w / scale) + 8, 0, 15); asymmetric — the range [min(0, lo), max(0, hi)] over 15 steps,
 * zero point round(−min / scale), q = clamp(round(w / scale + zp), 0, 15).
 */
export function quantizeBlocks4(w: Float32Array, K: number, N: number, blockSize: number, symmetric: boolean): NBitsWeight {
  if (w.length !== K * N) throw new Error(`quantizeBlocks4: ${w.length} values for [${K}, ${N}]`);
  const kBlocks = Math.ceil(K / blockSize);
  const blob = blockSize / 2;
  const packed = new Uint8Array(N * kBlocks * blob);
  const scales = new Float32Array(N * kBlocks);
  const zps = new Uint8Array(N * kBlocks);
  const at = (k: number, n: number) => (k < K ? w[k * N + n]! : 0);
  for (let n = 0; n < N; n++) {
    for (let b = 0; b < kBlocks; b++) {
      let lo = 0;
      let hi = 0;
      for (let i = 0; i < blockSize; i++) {
        const v = at(b * blockSize + i, n);
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      // Math.fround: the scale is stored as float32, and the integers are computed from the stored scale.
      const scale = Math.fround(symmetric ? (Math.abs(hi) > Math.abs(lo) ? hi : lo) / -8 : (hi - lo) / 15);
      const zp = symmetric ? 8 : scale === 0 ? 8 : clamp(Math.round(-lo / scale), 0, 15);
      scales[n * kBlocks + b] = scale;
      zps[n * kBlocks + b] = zp;
      for (let i = 0; i < blockSize; i++) {
        const q = scale === 0 ? zp : clamp(Math.round(at(b * blockSize + i, n) / scale) + zp, 0, 15);
        const byte = (n * kBlocks + b) * blob + (i >> 1);
        packed[byte] = packed[byte]! | (i & 1 ? q << 4 : q);
      }
    }
  }
  const out: NBitsWeight = { K, N, blockSize, packed, scales };
  if (!symmetric) {
    const perColumn = Math.ceil(kBlocks / 2);
    out.zeroPoints = new Uint8Array(N * perColumn);
    const packedZp = new Uint8Array(N * perColumn);
    for (let n = 0; n < N; n++) {
      for (let b = 0; b < kBlocks; b++) {
        const zp = zps[n * kBlocks + b]!;
        const byte = n * perColumn + (b >> 1);
        packedZp[byte] = packedZp[byte]! | (b & 1 ? zp << 4 : zp);
      }
    }
    out.zeroPoints = packedZp;
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

/** block_size for K: 32 (transformers.js' q4 default), 16 when K is narrower than a 32-block (the op's smallest). */
export function blockSizeFor(K: number, preferred = 32): number {
  return K < preferred ? 16 : preferred;
}

export interface MatMulNBitsOptions {
  /** Default 32, or 16 where K < 32 (blockSizeFor). */
  blockSize?: number;
  /** Default true: transformers.js' quantize script runs MatMul4BitsQuantizer with is_symmetric=True (no zero_points input). */
  symmetric?: boolean;
  /** The op's accuracy_level attribute; not written when undefined (transformers.js' default). */
  accuracyLevel?: number;
}

/**
 * What transformers.js' `q4` (scripts/quantize.py → onnxruntime's MatMul4BitsQuantizer, QOperator format) makes of a
 * float32 export: each MatMul whose B is a constant 2-D float initializer becomes one `com.microsoft` MatMulNBits node
 * (attributes K, N, bits=4, block_size; inputs A, `<W>_Q4`, `<W>_scales`, and `<W>_zero_points` when asymmetric).
 * Every other node (Gather embeddings, Conv, activations' MatMuls) stays float32. Returns a new model.
 */
export function quantizeMatMulNBits(model: ModelProto, opts: MatMulNBitsOptions = {}): ModelProto {
  const graph = model.graph!;
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const used = new Set<string>();
  const nodes: onnx.INodeProto[] = [];
  const newInits: onnx.ITensorProto[] = [];
  for (const node of graph.node ?? []) {
    const w = node.opType === 'MatMul' && !node.domain ? inits.get(node.input![1]!) : undefined;
    if (!w || w.dataType !== TensorDataType.FLOAT || tensorDims(w).length !== 2) {
      nodes.push(node);
      for (const i of node.input ?? []) used.add(i);
      continue;
    }
    const [K, N] = tensorDims(w) as [number, number];
    const blockSize = opts.blockSize ?? blockSizeFor(K);
    const q = quantizeBlocks4(tensorToArray(w) as Float32Array, K, N, blockSize, opts.symmetric ?? true);
    const kBlocks = Math.ceil(K / blockSize);
    const name = w.name!;
    const inputs = [node.input![0]!, `${name}_Q4`, `${name}_scales`];
    newInits.push(makeTensor(`${name}_Q4`, TensorDataType.UINT8, [N, kBlocks, blockSize / 2], q.packed), makeTensor(`${name}_scales`, TensorDataType.FLOAT, [N, kBlocks], q.scales));
    if (q.zeroPoints) {
      inputs.push(`${name}_zero_points`);
      newInits.push(makeTensor(`${name}_zero_points`, TensorDataType.UINT8, [N, Math.ceil(kBlocks / 2)], q.zeroPoints));
    }
    used.add(node.input![0]!);
    const ints: [string, number][] = [['K', K], ['N', N], ['bits', 4], ['block_size', blockSize]];
    if (opts.accuracyLevel !== undefined) ints.push(['accuracy_level', opts.accuracyLevel]);
    nodes.push({
      opType: 'MatMulNBits',
      domain: 'com.microsoft',
      name: `${node.name ?? name}_Q4`,
      input: inputs,
      output: node.output!,
      attribute: ints.map(([n, i]) => ({ name: n, type: AttributeType.INT, i })),
    });
  }
  const kept = (graph.initializer ?? []).filter((t) => used.has(t.name!));
  const opsets = (model.opsetImport ?? []).filter((o) => o.domain !== 'com.microsoft');
  return { ...model, opsetImport: [...opsets, { domain: 'com.microsoft', version: 1 }], graph: { ...graph, node: nodes, initializer: [...kept, ...newInits] } };
}
