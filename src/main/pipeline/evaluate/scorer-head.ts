import { GraphBuilder, type ModelProto } from '../../onnx';
import { DEFAULT_OPSET } from '../../onnx/opset';
import { planNegativeGroups } from '../../ood/scores';
import { LAYER_NORM_EPS, type ProjectionWeights } from '../train/projection-weights';
import { normalizedRows } from '../train/training-data';

export interface ScorerHeadOptions {
  dim: number;
  /** [K, dim] InD class text features. */
  classes: Float32Array;
  /** [M, dim] negative-label features, tuned ones already in place. */
  negatives: Float32Array;
  projection?: ProjectionWeights;
  ngroups?: number;
  seed?: number;
  permutation?: ArrayLike<number>;
  temperature?: number;
  /** Opset of the graph the head will be merged into (reductions changed signature at 18). */
  opset?: number;
}

/** Reductions in the signature of the opset: axes became an input of ReduceSum at 13 and of the others at 18. */
function reduce(b: GraphBuilder, op: 'ReduceSum' | 'ReduceMean' | 'ReduceMax', x: string, axes: number[], keepdims: 0 | 1): string {
  if (op === 'ReduceSum' ? b.opset >= 13 : b.opset >= 18) return b.op(op, [x, b.constI64(axes)], { keepdims });
  return b.op(op, [x], { axes, keepdims });
}

function l2Normalize(b: GraphBuilder, x: string): string {
  return b.op('Div', [x, b.op('Sqrt', [reduce(b, 'ReduceSum', b.op('Mul', [x, x]), [1], 1)])]);
}

/** x + ReLU(LayerNorm(x·Wᵀ + b)) with the weights baked in. */
function projection(b: GraphBuilder, x: string, p: ProjectionWeights): string {
  const d = p.dim;
  const wt = new Float32Array(d * d);
  for (let o = 0; o < d; o++) for (let i = 0; i < d; i++) wt[i * d + o] = p.weight[o * d + i]!;
  const h = b.op('Add', [b.op('MatMul', [x, b.constF32(wt, [d, d])]), b.constF32(p.bias, [d])]);
  const centered = b.op('Sub', [h, reduce(b, 'ReduceMean', h, [1], 1)]);
  const variance = reduce(b, 'ReduceMean', b.op('Mul', [centered, centered]), [1], 1);
  const normed = b.op('Div', [centered, b.op('Sqrt', [b.op('Add', [variance, b.constF32([LAYER_NORM_EPS], [])])])]);
  const ln = b.op('Add', [b.op('Mul', [normed, b.constF32(p.lnWeight, [d])]), b.constF32(p.lnBias, [d])]);
  return b.op('Add', [x, b.op('Relu', [ln])]);
}

/**
 * ONNX graph from `image_embeds` [B, dim] to `ood_score` [B]: optional baked projection, cosine logits against
 * the baked (normalised, ×100/T) class and negative features, the fixed permutation of the kept negatives as a
 * Gather index, and the grouped score mean_g Σ_k softmax([pos, neg_g])_k. Each group's softmax is stabilised
 * by that group's own max, so no group can underflow to 0/0 however far its logits sit from the others'.
 */
export function buildScorerHead(o: ScorerHeadOptions): ModelProto {
  const { dim } = o;
  const k = o.classes.length / dim;
  const m = o.negatives.length / dim;
  const ngroups = o.ngroups ?? 100;
  const plan = planNegativeGroups(m, ngroups, o.seed ?? 0, o.permutation);
  const scale = 100 / (o.temperature ?? 1);
  const text = new Float32Array(dim * (k + plan.kept));
  const cols = k + plan.kept;
  const cls = normalizedRows(o.classes, dim);
  const neg = normalizedRows(o.negatives.subarray(0, plan.kept * dim), dim);
  for (let c = 0; c < cols; c++) {
    const src = c < k ? cls.subarray(c * dim, (c + 1) * dim) : neg.subarray((c - k) * dim, (c - k + 1) * dim);
    for (let j = 0; j < dim; j++) text[j * cols + c] = scale * src[j]!;
  }

  const opset = o.opset ?? DEFAULT_OPSET;
  // Unsqueeze/ReduceSum took axes as attributes before 13; every CLIP export we target is newer.
  if (opset < 13) throw new Error(`scorer export needs opset >= 13, the vision model has ${opset}`);
  const b = new GraphBuilder({ name: 'synood_scorer_head', opset });
  const embeds = b.input('image_embeds', 'float32', ['batch_size', dim]);
  const x = l2Normalize(b, o.projection ? projection(b, embeds, o.projection) : embeds);
  const logits = b.op('MatMul', [x, b.constF32(text, [dim, cols])]);
  const pos = b.op('Slice', [logits, b.constI64([0]), b.constI64([k]), b.constI64([1])]);
  const negFlat = b.op('Slice', [logits, b.constI64([k]), b.constI64([cols]), b.constI64([1])]);
  const grouped = b.op('Reshape', [
    b.op('Gather', [negFlat, b.constI64(Array.from(plan.order))], { axis: 1 }),
    b.constI64([0, ngroups, plan.groupSize]),
  ]);
  const posMax = reduce(b, 'ReduceMax', pos, [1], 1); // [B,1]
  const posMass = reduce(b, 'ReduceSum', b.op('Exp', [b.op('Sub', [pos, posMax])]), [1], 1); // [B,1]
  const groupMax = b.op('Max', [reduce(b, 'ReduceMax', grouped, [2], 0), posMax]); // [B,G]
  const posInGroup = b.op('Mul', [posMass, b.op('Exp', [b.op('Sub', [posMax, groupMax])])]);
  const negInGroup = reduce(b, 'ReduceSum', b.op('Exp', [b.op('Sub', [grouped, b.op('Unsqueeze', [groupMax, b.constI64([2])])])]), [2], 0);
  const share = b.op('Div', [posInGroup, b.op('Add', [posInGroup, negInGroup])]);
  b.node('Identity', [reduce(b, 'ReduceMean', share, [1], 0)], {}, { outputs: ['ood_score'] });
  b.output('ood_score', 'float32', ['batch_size']);
  return b.build();
}
