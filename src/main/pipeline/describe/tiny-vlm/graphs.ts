import { GraphBuilder, type ModelProto } from '../../../onnx';
import { Rng } from '../../../onnx/factory';

export interface TinyVlmShapes {
  seed: number;
  vocabSize: number;
  hidden: number;
  heads: number;
  imageSize: number;
  patchSize: number;
  maxPositions: number;
}

function weight(b: GraphBuilder, rng: Rng, name: string, dims: number[]): string {
  const fanIn = dims.slice(1).reduce((a, d) => a * d, 1) || dims[0]!;
  const n = dims.reduce((a, d) => a * d, 1);
  return b.initializer(name, rng.normalArray(n, 1 / Math.sqrt(fanIn)), dims);
}

/** `pixel_values` [B,3,S,S] → `image_features` [B, (S/patch)², hidden]: a patch-embedding conv and a linear projector. */
export function buildVisionEncoder(s: TinyVlmShapes): ModelProto {
  const b = new GraphBuilder({ name: 'tiny_vlm_vision_encoder' });
  const rng = new Rng(s.seed).fork('vision');
  const px = b.input('pixel_values', 'float32', ['batch_size', 3, s.imageSize, s.imageSize]);
  const w = b.initializer('patch_embed.weight', rng.normalArray(s.hidden * 3 * s.patchSize ** 2, 1 / Math.sqrt(3 * s.patchSize ** 2)), [s.hidden, 3, s.patchSize, s.patchSize]);
  const patches = b.op('Conv', [px, w], { kernel_shape: [s.patchSize, s.patchSize], strides: [s.patchSize, s.patchSize] });
  const grid = (s.imageSize / s.patchSize) ** 2;
  const tokens = b.op('Transpose', [b.op('Reshape', [patches, b.constI64([0, s.hidden, grid])])], { perm: [0, 2, 1] });
  b.node('MatMul', [tokens, weight(b, rng, 'projector.weight', [s.hidden, s.hidden])], {}, { outputs: ['image_features'] });
  b.output('image_features', 'float32', ['batch_size', grid, s.hidden]);
  return b.build();
}

/** `input_ids` [B,T] → `inputs_embeds` [B,T,hidden]. */
export function buildEmbedTokens(s: TinyVlmShapes): ModelProto {
  const b = new GraphBuilder({ name: 'tiny_vlm_embed_tokens' });
  const rng = new Rng(s.seed).fork('embed');
  const ids = b.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  b.node('Gather', [weight(b, rng, 'embed_tokens.weight', [s.vocabSize, s.hidden]), ids], { axis: 0 }, { outputs: ['inputs_embeds'] });
  b.output('inputs_embeds', 'float32', ['batch_size', 'sequence_length', s.hidden]);
  return b.build();
}

/**
 * One attention layer with a key/value cache, in the input/output naming of Optimum's merged decoders:
 * inputs_embeds, attention_mask, position_ids, past_key_values.0.{key,value} → logits, present.0.{key,value}.
 * The attention mask is applied additively over past + new positions (no causal mask: random weights, and
 * generation feeds one token at a time after the prompt anyway).
 */
export function buildDecoder(s: TinyVlmShapes): ModelProto {
  const b = new GraphBuilder({ name: 'tiny_vlm_decoder' });
  const rng = new Rng(s.seed).fork('decoder');
  const headDim = s.hidden / s.heads;
  const embeds = b.input('inputs_embeds', 'float32', ['batch_size', 'sequence_length', s.hidden]);
  const mask = b.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const positions = b.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  const pastKey = b.input('past_key_values.0.key', 'float32', ['batch_size', s.heads, 'past_sequence_length', headDim]);
  const pastValue = b.input('past_key_values.0.value', 'float32', ['batch_size', s.heads, 'past_sequence_length', headDim]);

  const x = b.op('Add', [embeds, b.op('Gather', [weight(b, rng, 'position_embedding.weight', [s.maxPositions, s.hidden]), positions], { axis: 0 })]);
  const heads = (name: string) =>
    b.op('Transpose', [b.op('Reshape', [b.op('MatMul', [x, weight(b, rng, name, [s.hidden, s.hidden])]), b.constI64([0, 0, s.heads, headDim])])], { perm: [0, 2, 1, 3] });
  const q = heads('q_proj.weight');
  b.node('Concat', [pastKey, heads('k_proj.weight')], { axis: 2 }, { outputs: ['present.0.key'] });
  b.node('Concat', [pastValue, heads('v_proj.weight')], { axis: 2 }, { outputs: ['present.0.value'] });

  const scores = b.op('Mul', [b.op('MatMul', [q, b.op('Transpose', ['present.0.key'], { perm: [0, 1, 3, 2] })]), b.constF32([1 / Math.sqrt(headDim)], [])]);
  const keep = b.op('Cast', [mask], { to: 1 });
  const bias = b.op('Unsqueeze', [b.op('Mul', [b.op('Sub', [b.constF32([1], []), keep]), b.constF32([-1e4], [])]), b.constI64([1, 2])]);
  const attn = b.op('Softmax', [b.op('Add', [scores, bias])], { axis: -1 });
  const context = b.op('Reshape', [b.op('Transpose', [b.op('MatMul', [attn, 'present.0.value'])], { perm: [0, 2, 1, 3] }), b.constI64([0, 0, s.hidden])]);
  const h = b.op('Add', [x, b.op('MatMul', [context, weight(b, rng, 'o_proj.weight', [s.hidden, s.hidden])])]);
  b.node('MatMul', [h, weight(b, rng, 'lm_head.weight', [s.hidden, s.vocabSize])], {}, { outputs: ['logits'] });

  b.output('logits', 'float32', ['batch_size', 'sequence_length', s.vocabSize]);
  b.output('present.0.key', 'float32', ['batch_size', s.heads, 'total_sequence_length', headDim]);
  b.output('present.0.value', 'float32', ['batch_size', s.heads, 'total_sequence_length', headDim]);
  return b.build();
}
