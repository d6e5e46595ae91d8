import { GraphBuilder, type ModelProto } from '../../onnx';
import { buildTinyClassifier } from '../../onnx/factory/classifier';
import { Rng } from '../../onnx/factory/prng';
import { l2NormalizeRows } from '../../pipeline/train/graph-pieces';
import { WORLD_CLASSIFIER_SHAPE } from '../classifier/architecture';
import { MAX_TOKENS, VOCABULARY } from './tokenizer';

/** The joint embedding size and the text tower's word-embedding size. */
export const CLIP_EMBED_DIM = 64;
export const CLIP_WORD_DIM = 64;
/** Fixed logit scale (CLIP learns it; fixed keeps the tiny run stable). */
export const CLIP_LOGIT_SCALE = 10;

/**
 * Image tower: the guidance classifier's ResNet shape with a CLIP_EMBED_DIM-wide head; `input` [N,3,64,64]
 * (ImageNet-normalised, like the classifier) → `logits` [N, CLIP_EMBED_DIM], the (unnormalised) image embedding.
 */
export function buildImageTower(seed: number): ModelProto {
  return buildTinyClassifier({ ...WORLD_CLASSIFIER_SHAPE, numClasses: CLIP_EMBED_DIM, seed });
}

export const TEXT_PARAMS = [
  { name: 'text.embedding.weight', dims: [VOCABULARY.length, CLIP_WORD_DIM] },
  { name: 'text.proj.weight', dims: [CLIP_WORD_DIM, CLIP_EMBED_DIM] },
  { name: 'text.proj.bias', dims: [CLIP_EMBED_DIM] },
];

export function initTextParams(seed: number): Float32Array[] {
  const rng = new Rng(seed).fork('text');
  return [rng.normalArray(VOCABULARY.length * CLIP_WORD_DIM, 0.5), rng.normalArray(CLIP_WORD_DIM * CLIP_EMBED_DIM, 1 / Math.sqrt(CLIP_WORD_DIM)), new Float32Array(CLIP_EMBED_DIM)];
}

/** Bag-of-words text tower: mean of the word embeddings over the mask, then a linear map. Returns [B, E]. */
export function textTower(b: GraphBuilder, ids: string, mask: string, embedding: string, projW: string, projB: string): string {
  const words = b.op('Gather', [embedding, ids], { axis: 0 }); // [B, L, D]
  const summed = b.op('ReduceSum', [b.op('Mul', [words, mask]), b.constI64([1])], { keepdims: 0 }); // [B, D]
  const count = b.op('ReduceSum', [mask, b.constI64([1])], { keepdims: 0 }); // [B, 1]
  return b.op('Add', [b.op('MatMul', [b.op('Div', [summed, count]), projW]), projB]);
}

/** The trained text tower as its own model: `input_ids` [N,L] int64, `token_mask` [N,L,1] → `text_embeds` [N,E]. */
export function buildTextModel(values: Float32Array[]): ModelProto {
  const b = new GraphBuilder({ opset: 17, name: 'world_clip_text' });
  b.input('input_ids', 'int64', ['batch', MAX_TOKENS]);
  b.input('token_mask', 'float32', ['batch', MAX_TOKENS, 1]);
  const [e, w, bias] = TEXT_PARAMS.map((p, i) => b.initializer(p.name, values[i]!, p.dims));
  const out = textTower(b, 'input_ids', 'token_mask', e!, w!, bias!);
  b.node('Identity', [out], {}, { outputs: ['text_embeds'] });
  b.output('text_embeds', 'float32', ['batch', CLIP_EMBED_DIM]);
  return b.build();
}

/**
 * The contrastive tail appended to the image tower: symmetric InfoNCE over the batch,
 * L = s·norm(img)·norm(txt)ᵀ, loss = ½(CE(L, eye) + CE(Lᵀ, eye)); `correct` counts images whose best caption is
 * their own. `eye` ([B,B] identity) and `target` (0..B−1) are fed, so the graph needs no shape arithmetic.
 */
export function contrastiveTail(): ModelProto {
  const b = new GraphBuilder({ opset: 17, name: 'clip_loss' });
  b.input('logits', 'float32', ['batch', CLIP_EMBED_DIM]);
  b.input('input_ids', 'int64', ['batch', MAX_TOKENS]);
  b.input('token_mask', 'float32', ['batch', MAX_TOKENS, 1]);
  b.input('eye', 'float32', ['batch', 'batch']);
  b.input('target', 'int64', ['batch']);
  for (const p of TEXT_PARAMS) b.input(p.name, 'float32', p.dims);
  const txt = l2NormalizeRows(b, textTower(b, 'input_ids', 'token_mask', ...(TEXT_PARAMS.map((p) => p.name) as [string, string, string])));
  const img = l2NormalizeRows(b, 'logits');
  const sim = b.op('Mul', [b.op('MatMul', [img, b.op('Transpose', [txt], { perm: [1, 0] })]), b.constF32([CLIP_LOGIT_SCALE], [])]);
  const ce = (x: string) => b.op('Neg', [b.op('ReduceMean', [b.op('ReduceSum', [b.op('Mul', [b.op('LogSoftmax', [x], { axis: 1 }), 'eye']), b.constI64([1])], { keepdims: 0 })], { axes: [0], keepdims: 0 })]);
  const both = b.op('Add', [ce(sim), ce(b.op('Transpose', [sim], { perm: [1, 0] }))]);
  b.node('Mul', [both, b.constF32([0.5], [])], {}, { outputs: ['loss'] });
  const hits = b.op('Cast', [b.op('Equal', [b.op('ArgMax', [sim], { axis: 1, keepdims: 0 }), 'target'])], { to: 1 });
  b.node('ReduceSum', [hits, b.constI64([0])], { keepdims: 0 }, { outputs: ['correct'] });
  b.output('loss', 'float32', []);
  b.output('correct', 'float32', []);
  return b.build();
}
