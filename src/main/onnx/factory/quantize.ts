import type { ModelProto } from '../index';
import type { onnx } from '../proto-types';
import { AttributeType, TensorDataType } from '../data-types';
import { makeTensor, tensorDims, tensorToArray } from '../tensor';

/**
 * The graph onnxruntime's `quantize_dynamic` (weight type QInt8, the default; what transformers.js' `*_quantized.onnx`
 * files hold) makes of each MatMul with a constant 2-D weight:
 *   x → DynamicQuantizeLinear → (x_q uint8, x_scale, x_zero_point)
 *   MatMulInteger(x_q, W_q int8, x_zero_point, 0) → Cast(float) → Mul(x_scale · W_scale)
 * with W quantized symmetrically per tensor (scale = max|W| / 127, zero point 0). Other nodes are left float32.
 * Returns a new model; the input is not changed.
 */
export function quantizeDynamicInt8(model: ModelProto): ModelProto {
  const graph = model.graph!;
  const inits = new Map((graph.initializer ?? []).map((t) => [t.name!, t]));
  const used = new Set<string>();
  const nodes: onnx.INodeProto[] = [];
  const newInits: onnx.ITensorProto[] = [];
  let k = 0;
  for (const node of graph.node ?? []) {
    const w = node.opType === 'MatMul' ? inits.get(node.input![1]!) : undefined;
    if (!w || w.dataType !== TensorDataType.FLOAT || tensorDims(w).length !== 2) {
      nodes.push(node);
      for (const i of node.input ?? []) used.add(i);
      continue;
    }
    const name = `${node.input![1]!}_quantized_${k++}`;
    const values = tensorToArray(w) as Float32Array;
    let max = 0;
    for (const v of values) max = Math.max(max, Math.abs(v));
    const scale = max > 0 ? max / 127 : 1;
    const q = new Uint8Array(values.length);
    const q8 = new Int8Array(q.buffer);
    for (let i = 0; i < values.length; i++) q8[i] = Math.max(-127, Math.min(127, Math.round(values[i]! / scale)));
    newInits.push(
      makeTensor(`${name}.weight`, TensorDataType.INT8, tensorDims(w), q),
      makeTensor(`${name}.weight_scale`, TensorDataType.FLOAT, [], new Float32Array([scale])),
      makeTensor(`${name}.weight_zero_point`, TensorDataType.INT8, [], new Uint8Array(1)),
    );
    const x = node.input![0]!;
    used.add(x);
    const [xq, xs, xz, yInt, yF, s] = ['x_q', 'x_scale', 'x_zero_point', 'int', 'float', 'scale'].map((p) => `${name}.${p}`) as [string, string, string, string, string, string];
    nodes.push(
      { opType: 'DynamicQuantizeLinear', input: [x], output: [xq, xs, xz], name: `${name}.DynamicQuantizeLinear` },
      { opType: 'MatMulInteger', input: [xq, `${name}.weight`, xz, `${name}.weight_zero_point`], output: [yInt], name: `${name}.MatMulInteger` },
      { opType: 'Cast', input: [yInt], output: [yF], attribute: [{ name: 'to', type: AttributeType.INT, i: TensorDataType.FLOAT }], name: `${name}.Cast` },
      { opType: 'Mul', input: [xs, `${name}.weight_scale`], output: [s], name: `${name}.scale_mul` },
      { opType: 'Mul', input: [yF, s], output: node.output!, name: `${name}.output_mul` },
    );
  }
  // Float weights still read by an unquantized node stay; the ones only the MatMuls read are replaced.
  const kept = (graph.initializer ?? []).filter((t) => used.has(t.name!));
  return { ...model, graph: { ...graph, node: nodes, initializer: [...kept, ...newInits] } };
}
