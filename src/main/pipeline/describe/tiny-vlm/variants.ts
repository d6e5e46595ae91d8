import { AttributeType, TensorDataType, type ModelProto } from '../../../onnx';
import { quantizeMatMulNBits } from '../../../onnx/factory/quantize-nbits';
import { toFloat16 } from '../../../onnx/factory/to-float16';

/** The precisions the factory writes for the tiny VLM, by transformers.js dtype name (file suffix '', _fp16, _q4). */
export const TINY_VLM_DTYPES = ['fp32', 'fp16', 'q4'] as const;
export type TinyVlmDtype = (typeof TINY_VLM_DTYPES)[number];

/**
 * A float16 graph input declared float32 again and cast to float16 as the graph's first node, as
 * convert_float_to_float16(keep_io_types=True) does for the inputs it keeps.
 */
function keepInputFloat32(model: ModelProto, name: string): ModelProto {
  const g = model.graph!;
  const half = `${name}_fp16`;
  const cast = { opType: 'Cast', name: `graph_input_cast_${name}`, input: [name], output: [half], attribute: [{ name: 'to', type: AttributeType.INT, i: TensorDataType.FLOAT16 }] };
  return {
    ...model,
    graph: {
      ...g,
      node: [cast, ...(g.node ?? []).map((n) => ({ ...n, input: (n.input ?? []).map((i) => (i === name ? half : i)) }))],
      input: (g.input ?? []).map((v) => (v.name === name ? { ...v, type: { tensorType: { ...v.type!.tensorType!, elemType: TensorDataType.FLOAT } } } : v)),
    },
  };
}

/**
 * One session's graph at a precision, as onnx-community LLaVA repositories hold them:
 * - fp16: float16 weights, and float16 `inputs_embeds`, `image_features`, `logits`, `past_key_values.*`, `present.*`
 *   (Optimum's fp16 export). `pixel_values` stays float32: transformers.js feeds the processor's float32 pixels
 *   without converting them, so an export it runs takes float32 pixels and casts them inside.
 * - q4: every MatMul with a constant weight becomes MatMulNBits (4-bit, block 32 or 16, symmetric), the rest float32
 *   (transformers.js' quantize script: onnxruntime's MatMul4BitsQuantizer; Gather embeddings and Conv untouched).
 */
export function tinyVlmVariant(model: ModelProto, dtype: TinyVlmDtype): ModelProto {
  if (dtype === 'fp32') return model;
  if (dtype === 'q4') return quantizeMatMulNBits(model);
  const half = toFloat16(model);
  return (model.graph?.input ?? []).some((i) => i.name === 'pixel_values') ? keepInputFloat32(half, 'pixel_values') : half;
}
