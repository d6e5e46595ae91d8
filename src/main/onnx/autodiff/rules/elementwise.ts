import { TensorDataType } from '../../data-types';
import type { GradientRule } from '../rule-types';

// Binary arithmetic with numpy broadcasting: each input's cotangent is summed back to that input's shape.
const add: GradientRule = (c) => {
  const gy = c.gradOutput(0)!;
  return [0, 1].map((i) => (c.needsGrad(i) ? c.g.sumToShape(gy, c.input(i), c.output(0)) : undefined));
};

const sub: GradientRule = (c) => {
  const gy = c.gradOutput(0)!;
  return [
    c.needsGrad(0) ? c.g.sumToShape(gy, c.input(0), c.output(0)) : undefined,
    c.needsGrad(1) ? c.g.op('Neg', [c.g.sumToShape(gy, c.input(1), c.output(0))]) : undefined,
  ];
};

const mul: GradientRule = (c) => {
  const gy = c.gradOutput(0)!;
  const [a, b, y] = [c.input(0), c.input(1), c.output(0)];
  return [
    c.needsGrad(0) ? c.g.sumToShape(c.g.op('Mul', [gy, b]), a, y) : undefined,
    c.needsGrad(1) ? c.g.sumToShape(c.g.op('Mul', [gy, a]), b, y) : undefined,
  ];
};

const div: GradientRule = (c) => {
  const gy = c.gradOutput(0)!;
  const [a, b, y] = [c.input(0), c.input(1), c.output(0)];
  return [
    c.needsGrad(0) ? c.g.sumToShape(c.g.op('Div', [gy, b]), a, y) : undefined,
    // d(a/b)/db = -a/b^2 = -y/b, which reuses the forward output.
    c.needsGrad(1) ? c.g.op('Neg', [c.g.sumToShape(c.g.op('Mul', [gy, c.g.op('Div', [y, b])]), b, y)]) : undefined,
  ];
};

const pow: GradientRule = (c) => {
  const gy = c.gradOutput(0)!;
  const [a, b, y] = [c.input(0), c.input(1), c.output(0)];
  const aType = c.g.facts.type(a) ?? TensorDataType.FLOAT;
  // The exponent may be an integer tensor; arithmetic with the base needs the base's type.
  const bf = c.g.facts.type(b) === aType ? b : c.g.op('Cast', [b], { to: aType });
  const out: (string | undefined)[] = [undefined, undefined];
  if (c.needsGrad(0)) {
    const dyda = c.g.op('Mul', [bf, c.g.op('Pow', [a, c.g.op('Sub', [bf, c.g.scalarLike(1, a)])])]);
    out[0] = c.g.sumToShape(c.g.op('Mul', [gy, dyda]), a, y);
  }
  if (c.needsGrad(1)) out[1] = c.g.sumToShape(c.g.op('Mul', [gy, c.g.op('Mul', [y, c.g.op('Log', [a])])]), b, y);
  return out;
};

// Variadic Sum/Mean: every input receives the (scaled) cotangent, reduced to its own shape.
const sum: GradientRule = (c) => {
  const gy = c.gradOutput(0)!;
  const n = c.node.input?.length ?? 0;
  const scaled = c.node.opType === 'Mean' ? c.g.op('Mul', [gy, c.g.scalarLike(1 / n, gy)]) : gy;
  return Array.from({ length: n }, (_, i) => (c.needsGrad(i) ? c.g.sumToShape(scaled, c.input(i), c.output(0)) : undefined));
};

// Min/Max route the cotangent to the inputs equal to the result (every tied input gets it).
const minMax: GradientRule = (c) => {
  const gy = c.gradOutput(0)!;
  const y = c.output(0);
  const zero = c.g.scalarLike(0, gy);
  const n = c.node.input?.length ?? 0;
  return Array.from({ length: n }, (_, i) => {
    if (!c.needsGrad(i)) return undefined;
    const routed = c.g.op('Where', [c.g.op('Equal', [c.input(i), y]), gy, zero]);
    return c.g.sumToShape(routed, c.input(i), y);
  });
};

// The condition is not differentiable; each branch gets the cotangent where it was selected.
const where: GradientRule = (c) => {
  const gy = c.gradOutput(0)!;
  const [cond, y] = [c.input(0), c.output(0)];
  const zero = c.g.scalarLike(0, gy);
  return [
    undefined,
    c.needsGrad(1) ? c.g.sumToShape(c.g.op('Where', [cond, gy, zero]), c.input(1), y) : undefined,
    c.needsGrad(2) ? c.g.sumToShape(c.g.op('Where', [cond, zero, gy]), c.input(2), y) : undefined,
  ];
};

const neg: GradientRule = (c) => [c.g.op('Neg', [c.gradOutput(0)!])];
const abs: GradientRule = (c) => [c.g.op('Mul', [c.gradOutput(0)!, c.g.op('Sign', [c.input(0)])])];
const exp: GradientRule = (c) => [c.g.op('Mul', [c.gradOutput(0)!, c.output(0)])];
const log: GradientRule = (c) => [c.g.op('Div', [c.gradOutput(0)!, c.input(0)])];
// d sqrt(x) = 1 / (2 sqrt(x)), from the forward output.
const sqrt: GradientRule = (c) => [
  c.g.op('Div', [c.g.op('Mul', [c.gradOutput(0)!, c.g.scalarLike(0.5, c.output(0))]), c.output(0)]),
];
const reciprocal: GradientRule = (c) => [
  c.g.op('Neg', [c.g.op('Mul', [c.gradOutput(0)!, c.g.op('Mul', [c.output(0), c.output(0)])])]),
];

export const elementwiseRules: Record<string, GradientRule> = {
  Add: add,
  Sub: sub,
  Mul: mul,
  Div: div,
  Pow: pow,
  Sum: sum,
  Mean: sum,
  Min: minMax,
  Max: minMax,
  Where: where,
  Neg: neg,
  Abs: abs,
  Exp: exp,
  Log: log,
  Sqrt: sqrt,
  Reciprocal: reciprocal,
};
