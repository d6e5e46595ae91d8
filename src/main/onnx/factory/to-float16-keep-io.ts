import type { ModelProto } from '../index';
import type { onnx } from '../proto-types';
import { TensorDataType } from '../data-types';
import { toFloat16 } from './to-float16';

function isFloat(v: onnx.IValueInfoProto): boolean {
  return v.type?.tensorType?.elemType === TensorDataType.FLOAT;
}

function cast(name: string, from: string, to: string, elemType: number): onnx.INodeProto {
  return { name, opType: 'Cast', input: [from], output: [to], attribute: [{ name: 'to', type: 2, i: elemType }] };
}

/**
 * What transformers.js' own conversion script makes of a float32 export for its `<name>_fp16.onnx` variants
 * (onnxconverter-common's convert_float_to_float16 with keep_io_types=True): the weights and every activation
 * float16 as `toFloat16` makes them, but float graph inputs and outputs stay float32, a Cast to float16 after each
 * such input and a Cast to float32 before each such output. So transformers.js feeds it float32 pixel values and
 * reads float32 embeddings, as from the float32 file.
 */
export function toFloat16KeepIo(model: ModelProto): ModelProto {
  const original = model.graph!;
  const half = toFloat16(model).graph!;
  const head: onnx.INodeProto[] = [];
  const tail: onnx.INodeProto[] = [];
  const nodes = (half.node ?? []).map((n) => ({ ...n, input: [...(n.input ?? [])], output: [...(n.output ?? [])] }));
  for (const v of (original.input ?? []).filter(isFloat)) {
    const inner = `${v.name}/float16`;
    for (const n of nodes) n.input = n.input.map((i) => (i === v.name ? inner : i));
    head.push(cast(`${v.name}/to_float16`, v.name!, inner, TensorDataType.FLOAT16));
  }
  for (const v of (original.output ?? []).filter(isFloat)) {
    const inner = `${v.name}/float16`;
    for (const n of nodes) {
      n.output = n.output.map((o) => (o === v.name ? inner : o));
      n.input = n.input.map((i) => (i === v.name ? inner : i));
    }
    tail.push(cast(`${v.name}/to_float32`, inner, v.name!, TensorDataType.FLOAT));
  }
  return { ...model, graph: { ...half, node: [...head, ...nodes, ...tail], input: original.input, output: original.output, valueInfo: [] } };
}
