import { GraphBuilder, type ModelProto } from '../../onnx';
import { crossEntropyAndCorrect, l2NormalizeRows, layerNorm } from './graph-pieces';
import { LAYER_NORM_EPS } from './projection-weights';

/** CLIP's logit scale, used by SynOOD's fine-tuning logits. */
export const LOGIT_SCALE = 100;

/**
 * Forward graph of one projection training step. Inputs: `features` [B,d] (unnormalised CLIP image
 * features), `target` [B] int64, and the parameters proj_weight [d,d] (torch [out,in]), proj_bias, ln_weight,
 * ln_bias as graph inputs, so each step feeds the current weights. `scaledTextT` = 100·Tᵀ ([d, C], T's rows
 * L2-normalised) is baked in as an initializer: it is frozen, and folding the 100 in saves a Mul per step.
 * Outputs: `loss` (mean CE), `correct`.
 */
export function buildProjectionForward(dim: number, scaledTextT: Float32Array, numClasses: number): ModelProto {
  const b = new GraphBuilder({ name: 'projection_train_step' });
  const x = b.input('features', 'float32', ['batch', dim]);
  const target = b.input('target', 'int64', ['batch']);
  const w = b.input('proj_weight', 'float32', [dim, dim]);
  const bias = b.input('proj_bias', 'float32', [dim]);
  const lnW = b.input('ln_weight', 'float32', [dim]);
  const lnB = b.input('ln_bias', 'float32', [dim]);
  const text = b.initializer('scaled_text_t', scaledTextT, [dim, numClasses]);
  const h = b.op('Add', [b.op('MatMul', [x, b.op('Transpose', [w], { perm: [1, 0] })]), bias]);
  const p = b.op('Relu', [layerNorm(b, h, lnW, lnB, LAYER_NORM_EPS)]);
  const xn = l2NormalizeRows(b, b.op('Add', [x, p]));
  const logits = b.op('MatMul', [xn, text]);
  crossEntropyAndCorrect(b, logits, target, numClasses);
  b.output('loss', 'float32', []);
  b.output('correct', 'float32', []);
  return b.build();
}
