import type { GraphBuilder } from '../../onnx';

/** Row-wise x / ‖x‖₂ over the last axis of a [B, D] tensor, in differentiable primitive ops. */
export function l2NormalizeRows(b: GraphBuilder, x: string): string {
  const sumSq = b.op('ReduceSum', [b.op('Mul', [x, x]), b.constI64([1])], { keepdims: 1 });
  return b.op('Div', [x, b.op('Sqrt', [sumSq])]);
}

/** torch.nn.LayerNorm over the last axis of [B, D] (biased variance, eps inside the square root). */
export function layerNorm(b: GraphBuilder, x: string, weight: string, bias: string, eps: number): string {
  const centered = b.op('Sub', [x, b.op('ReduceMean', [x], { axes: [1], keepdims: 1 })]);
  const variance = b.op('ReduceMean', [b.op('Mul', [centered, centered])], { axes: [1], keepdims: 1 });
  const inv = b.op('Sqrt', [b.op('Add', [variance, b.constF32([eps], [])])]);
  return b.op('Add', [b.op('Mul', [b.op('Div', [centered, inv]), weight]), bias]);
}

/**
 * Mean cross-entropy of `logits` [B, C] against int64 `target` [B] (torch's F.cross_entropy, reduction
 * 'mean'), written to the output name `loss`; and the count of rows whose argmax is the target, as float32
 * `correct`, so the trainer can report accuracy without fetching the logits.
 */
export function crossEntropyAndCorrect(b: GraphBuilder, logits: string, target: string, numClasses: number): { loss: string; correct: string } {
  const logProbs = b.op('LogSoftmax', [logits], { axis: 1 });
  // The target's log-probability via a one-hot mask (OneHot needs no gradient: target is an integer input).
  const oneHot = b.op('OneHot', [target, b.constI64([numClasses], []), b.constF32([0, 1])], { axis: -1 });
  const picked = b.op('ReduceSum', [b.op('Mul', [logProbs, oneHot]), b.constI64([1])], { keepdims: 0 });
  const [loss] = b.node('Neg', [b.op('ReduceMean', [picked], { axes: [0], keepdims: 0 })], {}, { outputs: ['loss'] });
  const hits = b.op('Cast', [b.op('Equal', [b.op('ArgMax', [logits], { axis: 1, keepdims: 0 }), target])], { to: 1 });
  const [correct] = b.node('ReduceSum', [hits, b.constI64([0])], { keepdims: 0 }, { outputs: ['correct'] });
  return { loss: loss!, correct: correct! };
}
