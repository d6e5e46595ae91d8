import { attrFloat, attrInt } from '../../attributes';
import type { GradGraph } from '../grad-graph';
import type { GradientContext, GradientRule } from '../rule-types';

interface Stats {
  mean: string;
  invStd: string;
}

// Per-slice statistics of x over `axes` (kept as size-1 dims), recomputed because the op does not expose them.
function normStats(g: GradGraph, x: string, axes: number[], epsilon: number): Stats {
  const mean = g.reduceMean(x, axes, true);
  const centered = g.op('Sub', [x, mean]);
  const variance = g.reduceMean(g.op('Mul', [centered, centered]), axes, true);
  const invStd = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.scalarLike(epsilon, x)])])]);
  return { mean, invStd };
}

// With xhat = (x - mean) * invStd and gxhat the cotangent of xhat:
// dx = invStd * (gxhat - mean(gxhat) - xhat * mean(gxhat * xhat)), rearranged as PyTorch's CPU GroupNorm backward
// does into dx = invStd * gxhat + a * x + b with per-slice a = -invStd^2 * mean(gxhat * xhat) and
// b = -invStd * mean(gxhat) - a * mean, where mean(gxhat * xhat) = invStd * (mean(gxhat * x) - mean * mean(gxhat)).
// Every full-size op then takes the cotangent, so none can run during the forward pass: xhat, computed from x
// alone, could be, and onnxruntime then held it to the backward, one more full-size tensor per norm
// (bench:real-shape). It also takes fewer full-size passes.
function normInputGrad(g: GradGraph, x: string, axes: number[], stats: Stats, gxhat: string): string {
  const { mean, invStd } = stats;
  const m1 = g.reduceMean(gxhat, axes, true);
  const gxhatDotX = g.reduceMean(g.op('Mul', [gxhat, x]), axes, true);
  const m2 = g.op('Mul', [invStd, g.op('Sub', [gxhatDotX, g.op('Mul', [mean, m1])])]);
  const a = g.op('Neg', [g.op('Mul', [g.op('Mul', [invStd, invStd]), m2])]);
  const b = g.op('Neg', [g.op('Add', [g.op('Mul', [invStd, m1]), g.op('Mul', [a, mean])])]);
  return g.op('Add', [g.op('Add', [g.op('Mul', [gxhat, invStd]), g.op('Mul', [x, a])]), b]);
}

// xhat itself, for the scale gradients (weights being trained).
function normalized(g: GradGraph, x: string, stats: Stats): string {
  return g.op('Mul', [g.op('Sub', [x, stats.mean]), stats.invStd]);
}

function requireRank(c: GradientContext, name: string): number {
  const r = c.g.rank(name);
  if (r === undefined) throw c.unsupported('input rank must be known');
  return r;
}

// (C) -> (C, 1, ..., 1) so a per-channel vector broadcasts against (N, C, *spatial).
function perChannel(g: GradGraph, v: string, rank: number): string {
  return g.unsqueeze(v, Array.from({ length: rank - 2 }, (_, i) => i + 1));
}

function allButChannel(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
}

// Inference mode: y = (x - mean) * scale / sqrt(var + eps) + B with running statistics as plain inputs.
const batchNormalization: GradientRule = (c) => {
  if (attrInt(c.node, 'training_mode', 0) === 1 || (c.node.output ?? []).filter(Boolean).length > 1) {
    throw c.unsupported('only inference-mode BatchNormalization');
  }
  const [x, scale, , mean, variance] = [0, 1, 2, 3, 4].map((i) => c.input(i));
  const gy = c.gradOutput(0)!;
  const rank = requireRank(c, x!);
  const g = c.g;
  const eps = attrFloat(c.node, 'epsilon', 1e-5);
  const invStd = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance!, g.scalarLike(eps, x!)])])]);
  const axes = allButChannel(rank);
  const out: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined];
  if (c.needsGrad(0)) out[0] = g.op('Mul', [gy, perChannel(g, g.op('Mul', [scale!, invStd]), rank)]);
  const gySum = c.needsGrad(2) || c.needsGrad(3) ? g.reduceSum(gy, axes, false) : undefined;
  const centeredDot = c.needsGrad(1) || c.needsGrad(4)
    ? g.reduceSum(g.op('Mul', [gy, g.op('Sub', [x!, perChannel(g, mean!, rank)])]), axes, false)
    : undefined;
  if (c.needsGrad(1)) out[1] = g.op('Mul', [centeredDot!, invStd]);
  if (c.needsGrad(2)) out[2] = gySum;
  if (c.needsGrad(3)) out[3] = g.op('Neg', [g.op('Mul', [gySum!, g.op('Mul', [scale!, invStd])])]);
  if (c.needsGrad(4)) {
    const cube = g.op('Mul', [invStd, g.op('Mul', [invStd, invStd])]);
    out[4] = g.op('Mul', [g.op('Mul', [centeredDot!, scale!]), g.op('Mul', [cube, g.scalarLike(-0.5, x!)])]);
  }
  return out;
};

const instanceNormalization: GradientRule = (c) => {
  const [x, scale] = [c.input(0), c.input(1)];
  const gy = c.gradOutput(0)!;
  const rank = requireRank(c, x);
  const g = c.g;
  const spatial = Array.from({ length: rank - 2 }, (_, i) => i + 2);
  const stats = normStats(g, x, spatial, attrFloat(c.node, 'epsilon', 1e-5));
  const axes = allButChannel(rank);
  return [
    c.needsGrad(0) ? normInputGrad(g, x, spatial, stats, g.op('Mul', [gy, perChannel(g, scale, rank)])) : undefined,
    c.needsGrad(1) ? g.reduceSum(g.op('Mul', [gy, normalized(g, x, stats)]), axes, false) : undefined,
    c.needsGrad(2) ? g.reduceSum(gy, axes, false) : undefined,
  ];
};

// Uses the forward node's own Mean and InvStdDev outputs instead of recomputing them.
const layerNormalization: GradientRule = (c) => {
  const [x, scale, bias, y] = [c.input(0), c.input(1), c.input(2), c.output(0)];
  const gy = c.gradOutput(0)!;
  const rank = requireRank(c, x);
  const g = c.g;
  const rawAxis = attrInt(c.node, 'axis', -1);
  const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
  const axes = Array.from({ length: rank - axis }, (_, i) => axis + i);
  const stats = { mean: c.forwardOutput(1), invStd: c.forwardOutput(2) };
  return [
    c.needsGrad(0) ? normInputGrad(g, x, axes, stats, g.op('Mul', [gy, scale])) : undefined,
    c.needsGrad(1) ? g.sumToShape(g.op('Mul', [gy, normalized(g, x, stats)]), scale, y) : undefined,
    bias && c.needsGrad(2) ? g.sumToShape(gy, bias, y) : undefined,
  ];
};

// Statistics over (C/G, *spatial) per group. Scale and bias are per group before opset 21, per channel after.
const groupNormalization: GradientRule = (c) => {
  const [x, scale] = [c.input(0), c.input(1)];
  const gy = c.gradOutput(0)!;
  const rank = requireRank(c, x);
  const g = c.g;
  const groups = attrInt(c.node, 'num_groups', 1);
  const perChannelAffine = c.opset >= 21;
  const grouped = (v: string): string => g.op('Reshape', [v, g.constI64([0, groups, -1])]);
  const xr = grouped(x);
  const stats = normStats(g, xr, [2], attrFloat(c.node, 'epsilon', 1e-5));
  const gxhat = perChannelAffine
    ? grouped(g.op('Mul', [gy, perChannel(g, scale, rank)]))
    : g.op('Mul', [grouped(gy), g.unsqueeze(scale, [1])]);
  const out: (string | undefined)[] = [c.needsGrad(0) ? g.reshapeLike(normInputGrad(g, xr, [2], stats, gxhat), x) : undefined, undefined, undefined];
  const xhat = c.needsGrad(1) ? normalized(g, xr, stats) : '';
  if (perChannelAffine) {
    const axes = allButChannel(rank);
    if (c.needsGrad(1)) out[1] = g.reduceSum(g.op('Mul', [gy, g.reshapeLike(xhat, x)]), axes, false);
    if (c.needsGrad(2)) out[2] = g.reduceSum(gy, axes, false);
  } else {
    if (c.needsGrad(1)) out[1] = g.reduceSum(g.op('Mul', [grouped(gy), xhat]), [0, 2], false);
    if (c.needsGrad(2)) out[2] = g.reduceSum(grouped(gy), [0, 2], false);
  }
  return out;
};

export const normalizationRules: Record<string, GradientRule> = {
  BatchNormalization: batchNormalization,
  InstanceNormalization: instanceNormalization,
  LayerNormalization: layerNormalization,
  GroupNormalization: groupNormalization,
};
