import { attrFloat, attrInt } from '../../attributes';
import type { GradientRule } from '../rule-types';

function swapLast(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return perm;
}

// Batched, broadcasting MatMul; 1-D operands are promoted the way numpy does and demoted afterwards.
const matmul: GradientRule = (c) => {
  const [a, b, y] = [c.input(0), c.input(1), c.output(0)];
  const gy = c.gradOutput(0)!;
  const ra = c.g.rank(a);
  const rb = c.g.rank(b);
  if (ra === undefined || rb === undefined) throw c.unsupported('operand ranks must be known');
  if (ra === 1 && rb === 1) {
    return [c.needsGrad(0) ? c.g.op('Mul', [gy, b]) : undefined, c.needsGrad(1) ? c.g.op('Mul', [gy, a]) : undefined];
  }
  const a2 = ra === 1 ? c.g.unsqueeze(a, [0]) : a;
  const b2 = rb === 1 ? c.g.unsqueeze(b, [1]) : b;
  let g2 = gy;
  if (ra === 1) g2 = c.g.unsqueeze(g2, [-2]);
  if (rb === 1) g2 = c.g.unsqueeze(g2, [-1]);
  const rank = Math.max(ra === 1 ? 2 : ra, rb === 1 ? 2 : rb);
  const ys = c.g.shape(y);
  const result = (grad: string, operand: string, operandRank: number, last2: () => (number | string)[] | undefined): string => {
    if (operandRank === 1) {
      const lead = Array.from({ length: rank - 2 }, (_, i) => i);
      return c.g.reshapeLike(c.g.reduceSum(grad, lead, false), operand);
    }
    // The static shape of the product lets sumToShape skip the reduction when nothing was broadcast.
    const tail = last2();
    if (ys && tail && ra !== 1 && rb !== 1) c.g.setShape(grad, [...ys.slice(0, ys.length - 2), ...tail], operand);
    return c.g.sumToShape(grad, operand, grad);
  };
  const out: (string | undefined)[] = [undefined, undefined];
  if (c.needsGrad(0)) {
    const da = c.g.op('MatMul', [g2, c.g.transpose(b2, swapLast(rb === 1 ? 2 : rb))]);
    out[0] = result(da, a, ra, () => c.g.shape(a)?.slice(-2));
  }
  if (c.needsGrad(1)) {
    const db = c.g.op('MatMul', [c.g.transpose(a2, swapLast(ra === 1 ? 2 : ra)), g2]);
    out[1] = result(db, b, rb, () => c.g.shape(b)?.slice(-2));
  }
  return out;
};

// Y = alpha * A' B' + beta * C with A' = transA ? A^T : A (likewise B'); each gradient is one Gemm.
const gemm: GradientRule = (c) => {
  const [a, b, cIn, y] = [c.input(0), c.input(1), c.input(2), c.output(0)];
  const gy = c.gradOutput(0)!;
  const alpha = attrFloat(c.node, 'alpha', 1);
  const beta = attrFloat(c.node, 'beta', 1);
  const transA = attrInt(c.node, 'transA', 0);
  const transB = attrInt(c.node, 'transB', 0);
  const out: (string | undefined)[] = [undefined, undefined, undefined];
  if (c.needsGrad(0)) {
    out[0] = transA
      ? c.g.op('Gemm', [b, gy], { alpha, transA: transB, transB: 1 })
      : c.g.op('Gemm', [gy, b], { alpha, transB: transB ? 0 : 1 });
  }
  if (c.needsGrad(1)) {
    out[1] = transB
      ? c.g.op('Gemm', [gy, a], { alpha, transA: 1, transB: transA })
      : c.g.op('Gemm', [a, gy], { alpha, transA: transA ? 0 : 1 });
  }
  if (cIn && c.needsGrad(2)) {
    const reduced = c.g.sumToShape(gy, cIn, y);
    out[2] = beta === 1 ? reduced : c.g.op('Mul', [reduced, c.g.scalarLike(beta, gy)]);
  }
  return out;
};

export const matmulRules: Record<string, GradientRule> = { MatMul: matmul, Gemm: gemm };
