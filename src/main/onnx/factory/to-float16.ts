import type { ModelProto } from '../index';
import type { onnx } from '../proto-types';
import { TensorDataType } from '../data-types';
import { float32ToFloat16Array } from '../float16';
import { tensorDims, tensorToArray } from '../tensor';

const HALF_MAX = 65504;

/** A float32 tensor rounded to float16, clamped to ±65504 as onnxconverter-common does (a −1e9 mask stays finite). */
function halfTensor(t: onnx.ITensorProto): onnx.ITensorProto {
  if (t.dataType !== TensorDataType.FLOAT) return t;
  const values = Float32Array.from(tensorToArray(t) as Float32Array, (v) => Math.max(-HALF_MAX, Math.min(HALF_MAX, v)));
  const bits = float32ToFloat16Array(values);
  // raw_data as ONNX stores float16: the 16-bit patterns, little-endian.
  return { name: t.name ?? '', dataType: TensorDataType.FLOAT16, dims: tensorDims(t), rawData: new Uint8Array(bits.buffer) };
}

function halfValueInfo(v: onnx.IValueInfoProto): onnx.IValueInfoProto {
  const tt = v.type?.tensorType;
  return tt?.elemType === TensorDataType.FLOAT ? { ...v, type: { ...v.type, tensorType: { ...tt, elemType: TensorDataType.FLOAT16 } } } : v;
}

function halfNode(n: onnx.INodeProto): onnx.INodeProto {
  const attribute = (n.attribute ?? []).map((a) => {
    if (n.opType === 'Cast' && a.name === 'to' && Number(a.i) === TensorDataType.FLOAT) return { ...a, i: TensorDataType.FLOAT16 };
    if (a.t && (n.opType === 'Constant' || n.opType === 'ConstantOfShape')) return { ...a, t: halfTensor(a.t) };
    return a;
  });
  return { ...n, attribute };
}

/**
 * What Optimum's `--fp16` (onnxconverter-common's convert_float_to_float16, keep_io_types=False) makes of a float32
 * export, for the graphs the factory builds: every float initializer, Constant and ConstantOfShape value rounded
 * to float16, Casts to float retargeted to float16, float graph inputs and outputs made float16. Value infos are
 * dropped (onnxruntime infers them). No subgraphs, and no op kept in float32 (only Resize's roi and scales):
 * enough for the factory's graphs.
 */
export function toFloat16(model: ModelProto): ModelProto {
  const g = model.graph!;
  // Resize's roi and scales stay float32 (the op requires it), as convert_float_to_float16 keeps them.
  const keep = new Set((g.node ?? []).filter((n) => n.opType === 'Resize').flatMap((n) => (n.input ?? []).slice(1, 3)));
  return {
    ...model,
    graph: {
      ...g,
      node: (g.node ?? []).map((n) => (n.output?.some((o) => keep.has(o)) ? n : halfNode(n))),
      initializer: (g.initializer ?? []).map((t) => (keep.has(t.name ?? '') ? t : halfTensor(t))),
      input: (g.input ?? []).map(halfValueInfo),
      output: (g.output ?? []).map(halfValueInfo),
      valueInfo: [],
    },
  };
}
