import type { onnx } from '../proto-types';
import type { GradGraph } from './grad-graph';

/**
 * Forward ops whose output the backward recomputes rather than keeps. Sigmoid: in SiLU, x * Sigmoid(x), the
 * backward reads both x and Sigmoid(x); x is kept anyway, so keeping Sigmoid(x) too costs one more full-size
 * tensor per activation for one cheap elementwise op saved (in the SD VAE decoder at 512×512 they were a third
 * of everything the backward kept, 1.7 GB; bench:real-shape).
 */
const RECOMPUTED = new Set(['Sigmoid']);

/**
 * Rewrites the backward nodes in `g` to read a recomputed copy of each cheap forward output instead of the
 * forward's own, when the op's inputs are kept for the backward anyway (or are constants), so the forward
 * output dies as soon as the forward is done with it. The copy is computed from x * ones, where ones is 1
 * taken from the cotangent the first reader multiplies with (Where(IsNaN(c), 1, 1), exactly 1 whatever c is):
 * that data dependency keeps onnxruntime from running the copy during the forward pass (which would hold it
 * as long as the original) and from merging it with the forward op as a common subexpression.
 */
export function rematerializeCheapOutputs(forward: onnx.INodeProto[], g: GradGraph, initializers: Set<string>, keep: Set<string>): void {
  const forwardValues = new Set(forward.flatMap((n) => n.output ?? []));
  const readByBackward = new Set(g.nodes.flatMap((n) => (n.input ?? []).filter((i) => forwardValues.has(i))));
  const kept = (v: string) => readByBackward.has(v) || initializers.has(v);
  for (const node of forward) {
    const y = node.output?.[0];
    const inputs = (node.input ?? []).filter(Boolean);
    if (!RECOMPUTED.has(node.opType ?? '') || (node.domain && node.domain !== 'ai.onnx')) continue;
    if (!y || keep.has(y) || !readByBackward.has(y) || inputs.length === 0 || !inputs.every(kept)) continue;
    const first = g.nodes.findIndex((n) => (n.input ?? []).includes(y));
    const reader = g.nodes[first]!;
    const anchor = (reader.input ?? []).find((i) => i && i !== y && !forwardValues.has(i) && !initializers.has(i));
    if (anchor === undefined) continue;

    const before = g.nodes.length;
    g.setScope(`recompute/${node.name || y}`);
    const x = inputs[0]!;
    const one = g.scalarLike(1, x);
    const firstElement = g.op('Slice', [g.op('Reshape', [anchor, g.constI64([-1])]), g.constI64([0]), g.constI64([1])]);
    const ones = g.op('Where', [g.op('IsNaN', [firstElement]), one, one]);
    const copy = g.like(g.opWithAttributes(node.opType!, [g.op('Mul', [x, ones]), ...inputs.slice(1)], node.attribute ?? []), y);
    const emitted = g.nodes.splice(before);
    g.nodes.splice(first, 0, ...emitted);
    for (const n of g.nodes.slice(first + emitted.length)) {
      if (n.input?.includes(y)) n.input = n.input.map((i) => (i === y ? copy : i));
    }
  }
}
