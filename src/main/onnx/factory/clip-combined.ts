import type { ModelProto } from '../index';
import type { onnx } from '../proto-types';
import { AttributeType, TensorDataType } from '../data-types';
import { makeTensor } from '../tensor';

/** The IO names Optimum's single CLIPModel export (`onnx/model.onnx`) keeps as they are. */
const SHARED = new Set(['input_ids', 'attention_mask', 'pixel_values', 'text_embeds', 'image_embeds']);

/** One tower's graph with every internal name prefixed and its batch axis renamed, so two towers fit one graph. */
function prefixed(model: ModelProto, prefix: string, batch: string): onnx.IGraphProto {
  const g = model.graph!;
  const rename = (n: string) => (n === '' || SHARED.has(n) ? n : `${prefix}${n}`);
  const renameDims = (v: onnx.IValueInfoProto): onnx.IValueInfoProto => {
    const dims = v.type?.tensorType?.shape?.dim ?? [];
    return { ...v, type: { tensorType: { ...v.type!.tensorType!, shape: { dim: dims.map((d) => (d.dimParam === 'batch_size' ? { dimParam: batch } : d)) } } } };
  };
  return {
    node: (g.node ?? []).map((n) => ({ ...n, name: rename(n.name ?? ''), input: (n.input ?? []).map(rename), output: (n.output ?? []).map(rename) })),
    initializer: (g.initializer ?? []).map((t) => ({ ...t, name: rename(t.name!) })),
    input: (g.input ?? []).map(renameDims),
    output: (g.output ?? []).filter((o) => SHARED.has(o.name!)).map(renameDims),
  };
}

/**
 * Optimum's single CLIPModel export from two towers: inputs input_ids, pixel_values, attention_mask (separate
 * text_batch_size and image_batch_size axes); outputs logits_per_image, logits_per_text, text_embeds, image_embeds,
 * the logits being exp(logit_scale) · cosine (the text tower must take attention_mask).
 */
export function combineClipTowers(text: ModelProto, vision: ModelProto, logitScale = 2.6592): ModelProto {
  const t = prefixed(text, 'text_model/', 'text_batch_size');
  const v = prefixed(vision, 'vision_model/', 'image_batch_size');
  const byName = new Map([...(t.input ?? []), ...(v.input ?? [])].map((i) => [i.name!, i]));
  const outputs = new Map([...(t.output ?? []), ...(v.output ?? [])].map((o) => [o.name!, o]));
  const int = (name: string, i: number): onnx.IAttributeProto => ({ name, type: AttributeType.INT, i });
  const head: onnx.INodeProto[] = [
    { opType: 'LpNormalization', input: ['image_embeds'], output: ['head/image_unit'], attribute: [int('axis', -1), int('p', 2)], name: 'head/norm_image' },
    { opType: 'LpNormalization', input: ['text_embeds'], output: ['head/text_unit'], attribute: [int('axis', -1), int('p', 2)], name: 'head/norm_text' },
    { opType: 'Transpose', input: ['head/text_unit'], output: ['head/text_unit_t'], attribute: [{ name: 'perm', type: AttributeType.INTS, ints: [1, 0] }], name: 'head/transpose_text' },
    { opType: 'MatMul', input: ['head/image_unit', 'head/text_unit_t'], output: ['head/cosine'], name: 'head/cosine' },
    { opType: 'Mul', input: ['head/cosine', 'head/logit_scale'], output: ['logits_per_image'], name: 'head/scale' },
    { opType: 'Transpose', input: ['logits_per_image'], output: ['logits_per_text'], attribute: [{ name: 'perm', type: AttributeType.INTS, ints: [1, 0] }], name: 'head/logits_per_text' },
  ];
  const logits = (name: string, rows: string, cols: string): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: TensorDataType.FLOAT, shape: { dim: [{ dimParam: rows }, { dimParam: cols }] } } },
  });
  return {
    ...text,
    graph: {
      name: 'clip_model',
      node: [...(t.node ?? []), ...(v.node ?? []), ...head],
      initializer: [...(t.initializer ?? []), ...(v.initializer ?? []), makeTensor('head/logit_scale', TensorDataType.FLOAT, [], new Float32Array([Math.exp(logitScale)]))],
      input: ['input_ids', 'pixel_values', 'attention_mask'].map((n) => {
        const i = byName.get(n);
        if (!i) throw new Error(`combineClipTowers: no '${n}' input among the towers`);
        return i;
      }),
      output: [logits('logits_per_image', 'image_batch_size', 'text_batch_size'), logits('logits_per_text', 'text_batch_size', 'image_batch_size'), outputs.get('text_embeds')!, outputs.get('image_embeds')!],
    },
  };
}
