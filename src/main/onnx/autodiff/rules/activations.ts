import { attrFloat } from '../../attributes';
import type { GradientRule } from '../rule-types';

// Masks from the forward output (y > 0 exactly where x > 0), so the pre-activation need not stay alive.
// Measured in onnxruntime 1.30: Greater + Where is about as fast as Mul by a cast mask and ~40% faster than
// Mul by Sign(y).
const relu: GradientRule = (c) => {
  const y = c.output(0);
  return [c.g.op('Where', [c.g.op('Greater', [y, c.g.scalarLike(0, y)]), c.gradOutput(0)!, c.g.scalarLike(0, y)])];
};

const leakyRelu: GradientRule = (c) => {
  const x = c.input(0);
  const gy = c.gradOutput(0)!;
  const alpha = attrFloat(c.node, 'alpha', 0.01);
  const positive = c.g.op('Greater', [x, c.g.scalarLike(0, x)]);
  return [c.g.op('Where', [positive, gy, c.g.op('Mul', [gy, c.g.scalarLike(alpha, x)])])];
};

// Every full-size op of these two takes the cotangent as an input, so none of them can run before the backward
// reaches it: y * (1 - y) alone depends only on the forward, and onnxruntime may then compute it during the
// forward pass and hold it, one more full-size tensor per activation, until the backward (bench:real-shape).
// gy * y * (1 - y) = t - t * y with t = gy * y.
const sigmoid: GradientRule = (c) => {
  const y = c.output(0);
  const t = c.g.op('Mul', [c.gradOutput(0)!, y]);
  return [c.g.op('Sub', [t, c.g.op('Mul', [t, y])])];
};

// gy * (1 - y^2) = gy - (gy * y) * y, for the same reason.
const tanh: GradientRule = (c) => {
  const y = c.output(0);
  const gy = c.gradOutput(0)!;
  return [c.g.op('Sub', [gy, c.g.op('Mul', [c.g.op('Mul', [gy, y]), y])])];
};

// d erf(x) = 2/sqrt(pi) * exp(-x^2)
const erf: GradientRule = (c) => {
  const x = c.input(0);
  const gauss = c.g.op('Exp', [c.g.op('Neg', [c.g.op('Mul', [x, x])])]);
  const dy = c.g.op('Mul', [gauss, c.g.scalarLike(2 / Math.sqrt(Math.PI), x)]);
  return [c.g.op('Mul', [c.gradOutput(0)!, dy])];
};

// d softplus(x) = sigmoid(x)
const softplus: GradientRule = (c) => [c.g.op('Mul', [c.gradOutput(0)!, c.g.op('Sigmoid', [c.input(0)])])];

// Clip passes the cotangent where min <= x <= max (PyTorch's clamp convention); a bound tensor collects the
// cotangent of the elements it clipped.
const clip: GradientRule = (c) => {
  const x = c.input(0);
  const gy = c.gradOutput(0)!;
  const y = c.output(0);
  const zero = c.g.scalarLike(0, gy);
  const [min, max] = [c.input(1), c.input(2)];
  const conds: string[] = [];
  if (min) conds.push(c.g.op('GreaterOrEqual', [x, min]));
  if (max) conds.push(c.g.op('LessOrEqual', [x, max]));
  const dx = conds.length === 0 ? gy : c.g.op('Where', [conds.length === 1 ? conds[0]! : c.g.op('And', conds), gy, zero]);
  const bound = (name: string, cmp: 'Less' | 'Greater'): string =>
    c.g.sumToShape(c.g.op('Where', [c.g.op(cmp, [x, name]), gy, zero]), name, y);
  return [
    c.needsGrad(0) ? dx : undefined,
    c.needsGrad(1) && min ? bound(min, 'Less') : undefined,
    c.needsGrad(2) && max ? bound(max, 'Greater') : undefined,
  ];
};

export const activationRules: Record<string, GradientRule> = {
  Relu: relu,
  LeakyRelu: leakyRelu,
  Sigmoid: sigmoid,
  Tanh: tanh,
  Erf: erf,
  Softplus: softplus,
  Clip: clip,
};
