import { attrInt, attrInts, attrString } from '../../attributes';
import type { GradientContext, GradientRule } from '../rule-types';
import { type AxisResize, blockFactor, interpolationMatrix, isIdentity } from './resize-matrix';

// Nearest and linear Resize are linear maps separable per axis, y = M_h x M_w^T, so the cotangent is
// M_h^T gy M_w: two MatMuls with matrices built here. That needs the resized axes' sizes to be static
// (batch and channels may stay dynamic). Integer nearest upsampling takes a cheaper Reshape + ReduceSum.
const resize: GradientRule = (c) => {
  const [x, y] = [c.input(0), c.output(0)];
  const gy = c.gradOutput(0)!;
  const mode = attrString(c.node, 'mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear') throw c.unsupported(`mode=${mode}`);
  if (attrInt(c.node, 'antialias', 0) === 1) throw c.unsupported('antialias=1');
  if (attrString(c.node, 'keep_aspect_ratio_policy', 'stretch') !== 'stretch') throw c.unsupported('keep_aspect_ratio_policy');
  if (c.opset >= 18 && attrInts(c.node, 'axes')) throw c.unsupported('the axes attribute');
  const xs = c.g.shape(x);
  const ys = c.g.shape(y);
  if (!xs || !ys) throw c.unsupported('input and output ranks must be known');
  const rank = xs.length;
  const scales = c.input(2) ? c.g.facts.numbers(c.input(2)) : undefined;
  const resized: { axis: number; spec: AxisResize }[] = [];
  const dynamic: { axis: number; factor: number }[] = [];
  for (let axis = 0; axis < rank; axis++) {
    const [inSize, outSize] = [xs[axis]!, ys[axis]!];
    const scale = scales && scales.length === rank ? scales[axis]! : undefined;
    if (inSize === outSize && (scale === undefined || scale === 1)) continue;
    if (typeof inSize !== 'number' || typeof outSize !== 'number') {
      const f = scale !== undefined ? dynamicBlockFactor(c.node, mode, scale) : undefined;
      if (f === undefined) throw c.unsupported(`axis ${axis} sizes must be static (or the resize an integer nearest upsampling)`);
      dynamic.push({ axis, factor: f });
      continue;
    }
    resized.push({
      axis,
      spec: {
        inSize,
        outSize,
        scale: scale ?? outSize / inSize,
        mode,
        coordinateMode: attrString(c.node, 'coordinate_transformation_mode', 'half_pixel'),
        nearestMode: attrString(c.node, 'nearest_mode', 'round_prefer_floor'),
      },
    });
  }
  if ([...resized, ...dynamic].some((r) => r.axis < rank - 2)) throw c.unsupported('only the last two axes may be resized');
  if (dynamic.length > 0) {
    const all = [...dynamic, ...resized.map((r) => ({ axis: r.axis, factor: blockFactor(r.spec) }))];
    if (all.some((r) => r.factor === undefined)) throw c.unsupported('a dynamic size with a non-integer resize on another axis');
    return [blockSumDynamic(c, gy, x, rank, all as { axis: number; factor: number }[])];
  }
  if (resized.length === 0) return [gy];

  const factors = resized.map((r) => blockFactor(r.spec));
  if (factors.every((f) => f !== undefined)) {
    // [.., H*fh, W*fw] -> [.., H, fh, W, fw], then sum the factor axes.
    const target: number[] = [];
    const sumAxes: number[] = [];
    for (let axis = 0; axis < rank; axis++) {
      const k = resized.findIndex((r) => r.axis === axis);
      if (k < 0) target.push(axis < rank - 2 ? 0 : (xs[axis] as number));
      else {
        target.push(resized[k]!.spec.inSize, factors[k]!);
        sumAxes.push(target.length - 1);
      }
    }
    return [c.g.reduceSum(c.g.op('Reshape', [gy, c.g.constI64(target)]), sumAxes, false)];
  }

  let grad = gy;
  for (const { axis, spec } of resized) {
    const m = interpolationMatrix(spec);
    if (spec.inSize === spec.outSize && isIdentity(m, spec.inSize)) continue;
    if (axis === rank - 1) {
      grad = c.g.op('MatMul', [grad, c.g.constF32(m, [spec.outSize, spec.inSize])]);
    } else {
      const mt = new Float32Array(m.length);
      for (let o = 0; o < spec.outSize; o++) for (let i = 0; i < spec.inSize; i++) mt[i * spec.outSize + o] = m[o * spec.inSize + i]!;
      grad = c.g.op('MatMul', [c.g.constF32(mt, [spec.inSize, spec.outSize]), grad]);
    }
  }
  return [grad];
};

// Integer nearest upsampling that reads input floor(o / f) whatever the axis length, checked on a range of
// lengths (align_corners depends on the length, so it never qualifies).
function dynamicBlockFactor(node: GradientContext['node'], mode: string, scale: number): number | undefined {
  if (mode !== 'nearest' || !Number.isInteger(scale) || scale < 1) return undefined;
  const coordinateMode = attrString(node, 'coordinate_transformation_mode', 'half_pixel');
  if (coordinateMode === 'align_corners') return undefined;
  const nearestMode = attrString(node, 'nearest_mode', 'round_prefer_floor');
  for (let inSize = 1; inSize <= 9; inSize++) {
    const spec: AxisResize = { inSize, outSize: inSize * scale, scale, mode: 'nearest', coordinateMode, nearestMode };
    if (blockFactor(spec) !== scale) return undefined;
  }
  return scale;
}

// The block sum with the target shape [.., H, fh, W, fw] assembled from the input's run-time shape.
function blockSumDynamic(c: GradientContext, gy: string, x: string, rank: number, axes: { axis: number; factor: number }[]): string {
  const shape = c.g.shapeOf(x);
  const pieces: string[] = [];
  const sumAxes: number[] = [];
  let at = 0;
  for (let axis = 0; axis < rank; axis++) {
    pieces.push(c.g.op('Slice', [shape, c.g.constI64([axis]), c.g.constI64([axis + 1]), c.g.constI64([0])]));
    at++;
    const r = axes.find((a) => a.axis === axis);
    if (r) {
      pieces.push(c.g.constI64([r.factor]));
      sumAxes.push(at++);
    }
  }
  const target = c.g.op('Concat', pieces, { axis: 0 });
  return c.g.reduceSum(c.g.op('Reshape', [gy, target]), sumAxes, false);
}

export const resizeRules: Record<string, GradientRule> = { Resize: resize };
