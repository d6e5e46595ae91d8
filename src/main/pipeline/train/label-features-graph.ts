import { GraphBuilder, type ModelProto } from '../../onnx';
import { crossEntropyAndCorrect, l2NormalizeRows } from './graph-pieces';
import { LOGIT_SCALE } from './projection-graph';

/**
 * Forward graph of one negative-label-feature training step. Inputs: `image_features` [B,D], already
 * L2-normalised (the image encoder is frozen, so that is done once in TypeScript), `target` [B] int64 in
 * [0, M'), and the learnable `label_features` [M',D], normalised inside the graph so the gradient flows
 * through the normalisation. Logits = 100·cos. Outputs: `loss` (mean CE), `correct`.
 */
export function buildLabelFeaturesForward(dim: number, numLabels: number): ModelProto {
  const b = new GraphBuilder({ name: 'label_features_train_step' });
  const img = b.input('image_features', 'float32', ['batch', dim]);
  const target = b.input('target', 'int64', ['batch']);
  const labels = b.input('label_features', 'float32', [numLabels, dim]);
  const scaled = b.op('Mul', [l2NormalizeRows(b, labels), b.constF32([LOGIT_SCALE], [])]);
  const logits = b.op('MatMul', [img, b.op('Transpose', [scaled], { perm: [1, 0] })]);
  crossEntropyAndCorrect(b, logits, target, numLabels);
  b.output('loss', 'float32', []);
  b.output('correct', 'float32', []);
  return b.build();
}
