import { attrInt, attrInts } from '../../attributes';
import { TensorDataType } from '../../data-types';
import type { GradientContext, GradientRule } from '../rule-types';

interface ReduceSpec {
  axes: string | undefined; // int64 tensor of axes, or undefined for "all axes"
  keepdims: boolean;
  identity: boolean; // empty axes with noop_with_empty_axes
}

// Axes are an input for ReduceSum from opset 13 and for the other reductions from opset 18.
function reduceSpec(c: GradientContext): ReduceSpec {
  const keepdims = attrInt(c.node, 'keepdims', 1) === 1;
  const noop = attrInt(c.node, 'noop_with_empty_axes', 0) === 1;
  const fromInput = c.node.opType === 'ReduceSum' ? c.opset >= 13 : c.opset >= 18;
  if (fromInput) {
    const name = c.input(1);
    const known = name ? c.g.facts.numbers(name) : [];
    if (known && known.length === 0) return { axes: undefined, keepdims, identity: noop };
    return { axes: name, keepdims, identity: false };
  }
  const list = attrInts(c.node, 'axes') ?? [];
  return { axes: list.length ? c.g.constI64(list) : undefined, keepdims, identity: false };
}

// The reduced tensor (output or cotangent) with the reduced axes restored as size-1 dims.
function restoreDims(c: GradientContext, spec: ReduceSpec, v: string): string {
  if (spec.keepdims || spec.axes === undefined) return v;
  return c.g.op('Unsqueeze', [v, spec.axes]);
}

function broadcastBack(c: GradientContext, spec: ReduceSpec): string {
  return c.g.op('Expand', [restoreDims(c, spec, c.gradOutput(0)!), c.g.shapeOf(c.input(0))]);
}

const reduceSum: GradientRule = (c) => {
  const spec = reduceSpec(c);
  return [spec.identity ? c.gradOutput(0) : broadcastBack(c, spec)];
};

const reduceMean: GradientRule = (c) => {
  const spec = reduceSpec(c);
  if (spec.identity) return [c.gradOutput(0)];
  const [x, y] = [c.input(0), c.output(0)];
  const xs = c.g.facts.staticDims(x);
  const ys = c.g.facts.staticDims(y);
  let ratio: string;
  if (xs && ys) {
    ratio = c.g.scalarLike(ys.reduce((a, b) => a * b, 1) / xs.reduce((a, b) => a * b, 1), x);
  } else {
    const to = c.g.facts.type(x) ?? TensorDataType.FLOAT;
    const size = (v: string): string => c.g.op('Cast', [c.g.op('Size', [v])], { to });
    ratio = c.g.op('Div', [size(y), size(x)]);
  }
  return [c.g.op('Mul', [broadcastBack(c, spec), ratio])];
};

// Max/Min: the cotangent is shared evenly among tied extreme elements (PyTorch's amax/amin convention).
const reduceExtreme: GradientRule = (c) => {
  const spec = reduceSpec(c);
  if (spec.identity) return [c.gradOutput(0)];
  const x = c.input(0);
  const type = c.g.facts.type(x) ?? TensorDataType.FLOAT;
  const mask = c.g.op('Cast', [c.g.op('Equal', [x, restoreDims(c, spec, c.output(0))])], { to: type });
  const ties = c.g.op('ReduceSum', spec.axes ? [mask, spec.axes] : [mask], { keepdims: 1 });
  const share = c.g.op('Div', [restoreDims(c, spec, c.gradOutput(0)!), ties]);
  return [c.g.op('Mul', [mask, share])];
};

function pointwise(factor: (c: GradientContext, spec: ReduceSpec) => string): GradientRule {
  return (c) => {
    const spec = reduceSpec(c);
    if (spec.identity) return [c.g.op('Mul', [c.gradOutput(0)!, factor(c, spec)])];
    return [c.g.op('Mul', [restoreDims(c, spec, c.gradOutput(0)!), factor(c, spec)])];
  };
}

// d logsumexp = softmax over the reduced axes = exp(x - y).
const reduceLogSumExp = pointwise((c, spec) => c.g.op('Exp', [c.g.op('Sub', [c.input(0), restoreDims(c, spec, c.output(0))])]));
const reduceL2 = pointwise((c, spec) => c.g.op('Div', [c.input(0), restoreDims(c, spec, c.output(0))]));
const reduceSumSquare = pointwise((c) => c.g.op('Mul', [c.input(0), c.g.scalarLike(2, c.input(0))]));
const reduceL1 = pointwise((c) => c.g.op('Sign', [c.input(0)]));

export const reduceRules: Record<string, GradientRule> = {
  ReduceSum: reduceSum,
  ReduceMean: reduceMean,
  ReduceMax: reduceExtreme,
  ReduceMin: reduceExtreme,
  ReduceLogSumExp: reduceLogSumExp,
  ReduceL2: reduceL2,
  ReduceSumSquare: reduceSumSquare,
  ReduceL1: reduceL1,
};
