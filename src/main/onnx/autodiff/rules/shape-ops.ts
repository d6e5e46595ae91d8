import { attrInt, attrInts, attrString } from '../../attributes';
import { isFloatType } from '../../data-types';
import { sliceLength } from '../shape-tensor-ops';
import type { GradientRule } from '../rule-types';

// Ops that only rearrange elements: the cotangent is reshaped back to the input.
const reshapeBack: GradientRule = (c) => [c.g.reshapeLike(c.gradOutput(0)!, c.input(0))];

const identity: GradientRule = (c) => [c.gradOutput(0)];

const dropout: GradientRule = (c) => {
  if (c.input(2) && c.g.facts.numbers(c.input(2))?.[0] !== 0) throw c.unsupported('only inference-mode Dropout (training_mode absent or 0)');
  return [c.gradOutput(0)];
};

const cast: GradientRule = (c) => {
  const from = c.g.facts.type(c.input(0));
  if (from !== undefined && !isFloatType(from)) return [undefined];
  const gy = c.gradOutput(0)!;
  return [from === undefined || from === c.g.facts.type(gy) ? gy : c.g.op('Cast', [gy], { to: from })];
};

const transpose: GradientRule = (c) => {
  const perm = attrInts(c.node, 'perm');
  const gy = c.gradOutput(0)!;
  // Without perm the forward reverses the axes, which is its own inverse.
  if (!perm) return [c.g.op('Transpose', [gy])];
  const inverse = new Array<number>(perm.length);
  perm.forEach((p, i) => (inverse[p] = i));
  return [c.g.transpose(gy, inverse)];
};

const expand: GradientRule = (c) => [c.g.sumToShape(c.gradOutput(0)!, c.input(0), c.output(0))];

// Tile: view the cotangent as [r0, d0, r1, d1, ...] and sum over the repeat axes.
const tile: GradientRule = (c) => {
  const x = c.input(0);
  const rank = c.g.rank(x);
  if (rank === undefined) throw c.unsupported('input rank unknown');
  const xs = c.g.shape(x)!;
  const reps = c.g.facts.numbers(c.input(1));
  let target: string;
  if (reps && xs.every((d) => typeof d === 'number')) {
    target = c.g.constI64(xs.flatMap((d, i) => [reps[i]!, d as number]));
  } else {
    const col = (v: string): string => c.g.unsqueeze(v, [1]);
    target = c.g.op('Reshape', [c.g.op('Concat', [col(c.input(1)), col(c.g.shapeOf(x))], { axis: 1 }), c.g.constI64([-1])]);
  }
  const split = c.g.op('Reshape', [c.gradOutput(0)!, target]);
  return [c.g.reduceSum(split, Array.from({ length: rank }, (_, i) => 2 * i), false)];
};

const concat: GradientRule = (c) => {
  const ins = c.node.input ?? [];
  const rank = c.g.rank(c.output(0));
  const rawAxis = attrInt(c.node, 'axis', 0);
  const axis = rawAxis < 0 && rank !== undefined ? rawAxis + rank : rawAxis;
  const sizes = ins.map((i) => c.g.shape(i)?.[axis < 0 ? (c.g.rank(i) ?? 0) + axis : axis]);
  const splitSizes = sizes.every((s) => typeof s === 'number')
    ? c.g.constI64(sizes as number[])
    : c.g.op('Concat', ins.map((i) => c.g.op('Gather', [c.g.shapeOf(i), c.g.constI64([axis])], { axis: 0 })), { axis: 0 });
  const parts = c.g.add('Split', [c.gradOutput(0)!, splitSizes], { axis }, ins.length);
  return parts.map((p, i) => (c.needsGrad(i) ? p : undefined));
};

const split: GradientRule = (c) => {
  const outs = c.node.output ?? [];
  const parts = outs.map((o, i) => c.gradOutput(i) ?? c.g.zerosLike(o));
  return [c.g.op('Concat', parts, { axis: attrInt(c.node, 'axis', 0) })];
};

// Steps of 1 with known bounds: zero-pad the cotangent back. Otherwise scatter it through the positions the
// same Slice selects from an index tensor, which handles steps, negative steps and run-time bounds alike.
const slice: GradientRule = (c) => {
  const x = c.input(0);
  const gy = c.gradOutput(0)!;
  const xs = c.g.shape(x);
  const [starts, ends] = [c.g.facts.numbers(c.input(1)), c.g.facts.numbers(c.input(2))];
  const axesIn = c.input(3) ? c.g.facts.numbers(c.input(3)) : starts?.map((_, i) => i);
  const steps = c.input(4) ? c.g.facts.numbers(c.input(4)) : starts?.map(() => 1);
  if (xs && starts && ends && axesIn && steps && steps.every((s) => s === 1)) {
    const r = xs.length;
    const pads = new Array<number>(2 * r).fill(0);
    const ok = axesIn.every((a, i) => {
      const ax = a < 0 ? a + r : a;
      const len = xs[ax];
      if (typeof len !== 'number') return false;
      const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + len : v, 0), len);
      const s = clamp(starts[i]!);
      const n = sliceLength(len, starts[i]!, ends[i]!, 1);
      pads[ax] = s;
      pads[ax + r] = len - s - n;
      return true;
    });
    if (ok) return [c.g.op('Pad', [gy, c.g.constI64(pads)])];
  }
  const size = c.g.op('Size', [x]);
  const positions = c.g.op('Reshape', [
    c.g.op('Range', [c.g.constI64([0], []), size, c.g.constI64([1], [])]),
    c.g.shapeOf(x),
  ]);
  const picked = c.g.op('Slice', [positions, ...(c.node.input ?? []).slice(1)]);
  const flatZeros = c.g.op('Reshape', [c.g.zerosLike(x), c.g.constI64([-1])]);
  const scattered = c.g.op('ScatterElements', [
    flatZeros,
    c.g.op('Reshape', [picked, c.g.constI64([-1])]),
    c.g.op('Reshape', [gy, c.g.constI64([-1])]),
  ], { axis: 0 });
  return [c.g.reshapeLike(scattered, x)];
};

// Constant-mode Pad with non-negative constant pads: the cotangent is the un-padded window.
const pad: GradientRule = (c) => {
  if (attrString(c.node, 'mode', 'constant') !== 'constant') throw c.unsupported('only mode=constant');
  const pads = c.g.facts.numbers(c.input(1));
  const rank = c.g.rank(c.input(0));
  if (!pads || rank === undefined) throw c.unsupported('pads must be constant and the input rank known');
  if (pads.some((p) => p < 0)) throw c.unsupported('negative pads');
  const axes = c.input(3) ? c.g.facts.numbers(c.input(3)) : Array.from({ length: rank }, (_, i) => i);
  if (!axes) throw c.unsupported('axes must be constant');
  const n = axes.length;
  // Slice clamps ends, so "to the end" needs no exact INT64_MAX.
  const ends = axes.map((_, i) => (pads[i + n]! > 0 ? -pads[i + n]! : Number.MAX_SAFE_INTEGER));
  return [c.g.op('Slice', [c.gradOutput(0)!, c.g.constI64(pads.slice(0, n)), c.g.constI64(ends), c.g.constI64(axes)])];
};

export const shapeOpRules: Record<string, GradientRule> = {
  Reshape: reshapeBack,
  Flatten: reshapeBack,
  Squeeze: reshapeBack,
  Unsqueeze: reshapeBack,
  Identity: identity,
  Dropout: dropout,
  Cast: cast,
  Transpose: transpose,
  Expand: expand,
  Tile: tile,
  Concat: concat,
  Split: split,
  Slice: slice,
  Pad: pad,
};
