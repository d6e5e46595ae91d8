import type { ModelProto } from '../index';
import { layerNorm } from './layers';
import { createNet, Net, randomParam } from './net';
import { arange, dimScalar, encoderLayer } from './transformer';

export interface ClipTextOptions {
  seed?: number;
  vocabSize: number;
  maxPositions?: number;
  width?: number;
  heads?: number;
  layers?: number;
  /** Output width of `text_embeds`; ignored for the `sd` output flavour, which has no projection. */
  projectionDim?: number;
  /** transformers.js CLIP exports take int64 ids; Optimum's Stable Diffusion text encoder takes int32. */
  idsType?: 'int64' | 'int32';
  /** Also take `attention_mask` [N, L] (1 = token, 0 = padding) and mask padded keys. */
  attentionMask?: boolean;
  /** `clip`: text_embeds + last_hidden_state (CLIPTextModelWithProjection); `sd`: last_hidden_state + pooler_output (CLIPTextModel). */
  flavour?: 'clip' | 'sd';
  /** Fixed sequence length (SD pipelines always pad to 77); symbolic when omitted. */
  sequenceLength?: number;
}

const NEG_INF = -1e9;

/** [L, L] additive mask that hides future positions. */
function causalMask(net: Net, ids: string): string {
  const b = net.b;
  const positions = arange(net, dimScalar(net, ids, 1));
  const rows = b.op('Unsqueeze', [positions, b.constI64([1])]);
  const cols = b.op('Unsqueeze', [positions, b.constI64([0])]);
  return b.op('Mul', [b.op('Cast', [b.op('Greater', [cols, rows])], { to: 1 }), b.constF32([NEG_INF])]);
}

/** [N, 1, 1, L] additive mask that hides padded keys. */
function paddingMask(net: Net, attentionMask: string): string {
  const b = net.b;
  const keep = b.op('Cast', [attentionMask], { to: 1 });
  const drop = b.op('Mul', [b.op('Sub', [b.constF32([1]), keep]), b.constF32([NEG_INF])]);
  return b.op('Unsqueeze', [drop, b.constI64([1, 2])]);
}

/**
 * The hidden state at each sequence's end-of-text token. As in Hugging Face's CLIP, that is the argmax
 * of the ids (EOS has the largest id); the ids are cast to int32 first because that is what CLIP's export
 * does (onnxruntime's ArgMax lacks int64).
 */
function eosPool(net: Net, hidden: string, ids: string, width: number): string {
  const b = net.b;
  const ids32 = b.op('Cast', [ids], { to: 6 });
  const eosPos = b.op('Cast', [b.op('ArgMax', [ids32], { axis: -1, keepdims: 0 })], { to: 7 });
  const rowStart = b.op('Mul', [arange(net, dimScalar(net, ids, 0)), dimScalar(net, ids, 1)]);
  const flat = b.op('Reshape', [hidden, b.constI64([-1, width])]);
  return b.op('Gather', [flat, b.op('Add', [rowStart, eosPos])], { axis: 0 });
}

/** A CLIP text transformer: token + position embeddings, causal pre-LN layers, final LayerNorm, EOS pooling. */
export function buildClipTextModel(opts: ClipTextOptions): ModelProto {
  const width = opts.width ?? 32;
  const heads = opts.heads ?? 2;
  const maxPositions = opts.maxPositions ?? 77;
  const flavour = opts.flavour ?? 'clip';
  const net = createNet(opts.seed ?? 0, 'clip_text');
  const b = net.b;
  const seq = opts.sequenceLength ?? 'sequence_length';
  const ids = b.input('input_ids', opts.idsType ?? 'int64', ['batch_size', seq]);
  const tokenTable = randomParam(net, 'text_model.embeddings.token_embedding.weight', [opts.vocabSize, width], 0.5);
  const positionTable = randomParam(net, 'text_model.embeddings.position_embedding.weight', [maxPositions, width], 0.2);
  const positions = b.op('Gather', [positionTable, arange(net, dimScalar(net, ids, 1))], { axis: 0 });
  let h = b.op('Add', [b.op('Gather', [tokenTable, ids], { axis: 0 }), positions]);
  let mask = causalMask(net, ids);
  if (opts.attentionMask) {
    const am = b.input('attention_mask', 'int64', ['batch_size', seq]);
    mask = b.op('Add', [mask, paddingMask(net, am)]);
  }
  for (let i = 0; i < (opts.layers ?? 2); i++) {
    h = encoderLayer(net, h, `text_model.encoder.layers.${i}`, { width, heads, mask });
  }
  const last = layerNorm(net, h, 'text_model.final_layer_norm', width, 1e-5, 'last_hidden_state');
  const pooled = eosPool(net, last, ids, width);
  if (flavour === 'sd') {
    b.node('Identity', [pooled], {}, { outputs: ['pooler_output'] });
    b.output('last_hidden_state', 'float32', ['batch_size', seq, width]);
    b.output('pooler_output', 'float32', ['batch_size', width]);
  } else {
    const dim = opts.projectionDim ?? 16;
    const projection = randomParam(net, 'text_projection.weight', [width, dim], 1 / Math.sqrt(width));
    b.node('MatMul', [pooled, projection], {}, { outputs: ['text_embeds'] });
    // Output order as in Optimum's CLIPTextModelWithProjection export.
    b.output('text_embeds', 'float32', ['batch_size', dim]);
    b.output('last_hidden_state', 'float32', ['batch_size', seq, width]);
  }
  return b.build();
}
