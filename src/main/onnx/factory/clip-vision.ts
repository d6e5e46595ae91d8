import type { ModelProto } from '../index';
import { conv, layerNorm } from './layers';
import { createNet, randomParam } from './net';
import { encoderLayer } from './transformer';

export interface ClipVisionOptions {
  seed?: number;
  imageSize?: number;
  patchSize?: number;
  width?: number;
  heads?: number;
  layers?: number;
  projectionDim?: number;
}

/** A CLIP ViT: patch-embedding Conv, class token, position embeddings, pre-LN layers, post-LN on the class token, projection. */
export function buildClipVisionModel(opts: ClipVisionOptions = {}): ModelProto {
  const size = opts.imageSize ?? 32;
  const patch = opts.patchSize ?? 8;
  const width = opts.width ?? 32;
  const heads = opts.heads ?? 2;
  const dim = opts.projectionDim ?? 16;
  if (size % patch !== 0) throw new Error(`imageSize ${size} is not a multiple of patchSize ${patch}`);
  const tokens = (size / patch) ** 2 + 1;
  const net = createNet(opts.seed ?? 0, 'clip_vision');
  const b = net.b;
  const pixels = b.input('pixel_values', 'float32', ['batch_size', 3, size, size]);
  const patches = conv(net, pixels, 'vision_model.embeddings.patch_embedding', { cin: 3, cout: width, kernel: patch, stride: patch, pad: 0, bias: false, gain: 1 });
  const patchTokens = b.op('Transpose', [b.op('Reshape', [patches, b.constI64([0, width, -1])])], { perm: [0, 2, 1] });
  const classEmbedding = randomParam(net, 'vision_model.embeddings.class_embedding', [1, 1, width], 0.5);
  const batch = b.op('Slice', [b.op('Shape', [pixels]), b.constI64([0]), b.constI64([1])]);
  const classShape = b.op('Concat', [batch, b.constI64([1, width])], { axis: 0 });
  const classTokens = b.op('Expand', [classEmbedding, classShape]);
  const positions = randomParam(net, 'vision_model.embeddings.position_embedding.weight', [1, tokens, width], 0.2);
  const embedded = b.op('Add', [b.op('Concat', [classTokens, patchTokens], { axis: 1 }), positions]);
  let h = layerNorm(net, embedded, 'vision_model.pre_layrnorm', width);
  for (let i = 0; i < (opts.layers ?? 2); i++) h = encoderLayer(net, h, `vision_model.encoder.layers.${i}`, { width, heads });
  b.node('Identity', [h], {}, { outputs: ['last_hidden_state'] });
  const classToken = b.op('Gather', [h, b.constI64([0], [])], { axis: 1 });
  const pooled = layerNorm(net, classToken, 'vision_model.post_layernorm', width);
  const projection = randomParam(net, 'visual_projection.weight', [width, dim], 1 / Math.sqrt(width));
  b.node('MatMul', [pooled, projection], {}, { outputs: ['image_embeds'] });
  b.output('image_embeds', 'float32', ['batch_size', dim]);
  b.output('last_hidden_state', 'float32', ['batch_size', tokens, width]);
  return b.build();
}
