import type { GraphBuilder } from '../../onnx';

/**
 * Label-smoothed cross-entropy (torch's F.cross_entropy with label_smoothing=ε, reduction 'mean'):
 * loss = −mean_b[(1−ε)·log p_target + (ε/C)·Σ_c log p_c], written to `loss`, plus the argmax hit count `correct`.
 * Smoothing is torchvision's recipe for the ResNet-50 V2 weights the paper guides with (ε = 0.1); it bounds the
 * logit gaps (≈ ln(9(C−1)+1) at the optimum), so the official loss (t − s)² and its gradient stay in the range a
 * real ImageNet classifier gives instead of growing with an over-confident net's unbounded logits.
 */
export function smoothedCrossEntropyAndCorrect(b: GraphBuilder, logits: string, target: string, numClasses: number, smoothing: number): void {
  const logProbs = b.op('LogSoftmax', [logits], { axis: 1 });
  const oneHot = b.op('OneHot', [target, b.constI64([numClasses], []), b.constF32([0, 1])], { axis: -1 });
  const weights = b.op('Add', [b.op('Mul', [oneHot, b.constF32([1 - smoothing], [])]), b.constF32([smoothing / numClasses], [])]);
  const picked = b.op('ReduceSum', [b.op('Mul', [logProbs, weights]), b.constI64([1])], { keepdims: 0 });
  b.node('Neg', [b.op('ReduceMean', [picked], { axes: [0], keepdims: 0 })], {}, { outputs: ['loss'] });
  const hits = b.op('Cast', [b.op('Equal', [b.op('ArgMax', [logits], { axis: 1, keepdims: 0 }), target])], { to: 1 });
  b.node('ReduceSum', [hits, b.constI64([0])], { keepdims: 0 }, { outputs: ['correct'] });
}
