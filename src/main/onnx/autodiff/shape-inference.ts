import type { onnx } from '../proto-types';
import type { Dim } from '../graph-builder';
import { TensorDataType } from '../data-types';
import { toNumber } from '../int64';
import { tensorDims, tensorToArray } from '../tensor';
import { ValueFacts } from './value-facts';
import { inferTensorOp } from './shape-tensor-ops';
import { inferSpatialOp } from './shape-spatial-ops';
import { broadcastShapes } from './broadcast';
import { canonicalDim, divDims, mulDims } from './symbolic-dims';

const SAME_AS_INPUT = new Set([
  'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Erf', 'Exp', 'Log', 'Sqrt', 'Neg', 'Abs', 'Clip', 'Softmax',
  'LogSoftmax', 'Identity', 'Dropout', 'BatchNormalization', 'InstanceNormalization', 'GroupNormalization',
  'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign', 'Softplus', 'Softsign', 'HardSigmoid', 'HardSwish', 'Gelu',
  'Elu', 'Selu', 'Celu', 'Mish', 'Sin', 'Cos', 'Hardmax', 'CumSum', 'LpNormalization', 'Trilu',
  'MeanVarianceNormalization', 'Shrink', 'ThresholdedRelu', 'PRelu', 'Not',
]);
const BOOL_OUT = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Not', 'IsNaN', 'IsInf']);
const BROADCAST = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or',
  'Xor', 'Max', 'Min', 'Sum', 'Mean', 'Where', 'Mod', 'BitShift',
]);

function valueInfoShape(info: onnx.IValueInfoProto, facts: ValueFacts): Dim[] | undefined {
  const shape = info.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) =>
    d.dimValue !== null && d.dimValue !== undefined ? toNumber(d.dimValue) : d.dimParam ? canonicalDim(d.dimParam) : facts.unknownDim(),
  );
}

function recordTensor(facts: ValueFacts, name: string, t: onnx.ITensorProto): void {
  const dims = tensorDims(t);
  facts.types.set(name, t.dataType ?? TensorDataType.FLOAT);
  facts.shapes.set(name, dims);
  const count = dims.reduce((a, b) => a * b, 1);
  // Only small tensors are remembered by value: they are the axes, shapes and scales that rules read.
  if (count <= 64 && t.dataType !== TensorDataType.STRING && t.dataType !== TensorDataType.FLOAT16) {
    const values = Array.from(tensorToArray(t) as ArrayLike<number | bigint>, (v) => Number(v));
    facts.consts.set(name, { dims, values });
  }
}

function constantNode(node: onnx.INodeProto, facts: ValueFacts): void {
  const out = node.output![0]!;
  for (const a of node.attribute ?? []) {
    if (a.name === 'value' && a.t) return recordTensor(facts, out, a.t);
    if (a.name === 'value_float' || a.name === 'value_int') {
      const v = a.name === 'value_float' ? a.f ?? 0 : toNumber(a.i);
      facts.types.set(out, a.name === 'value_float' ? TensorDataType.FLOAT : TensorDataType.INT64);
      facts.shapes.set(out, []);
      facts.consts.set(out, { dims: [], values: [v] });
      return;
    }
    if (a.name === 'value_floats' || a.name === 'value_ints') {
      const v = a.name === 'value_floats' ? a.floats ?? [] : (a.ints ?? []).map(toNumber);
      facts.types.set(out, a.name === 'value_floats' ? TensorDataType.FLOAT : TensorDataType.INT64);
      facts.shapes.set(out, [v.length]);
      facts.consts.set(out, { dims: [v.length], values: v });
      return;
    }
  }
}

type Value = number | string;

// Elementwise folds on small constants. Values may be symbolic sizes (symbolic-dims.ts): products and exact
// quotients stay symbolic, and a size is never negative, so torch's `Equal(shape, -1)` (from expand(b, 1, -1))
// folds even for a dynamic batch. undefined = not decidable here.
const FOLD: Record<string, (a: Value, b: Value, isFloat: boolean) => Value | undefined> = {
  Add: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a + b : a === 0 ? b : b === 0 ? a : undefined),
  Sub: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : b === 0 ? a : a === b ? 0 : undefined),
  Mul: (a, b) => mulDims(a, b),
  Div: (a, b, isFloat) => {
    if (typeof a === 'number' && typeof b === 'number') return isFloat ? a / b : Math.trunc(a / b);
    return isFloat ? undefined : divDims(a, b);
  },
  Min: (a, b) => (typeof a === 'number' && typeof b === 'number' ? Math.min(a, b) : a === b ? a : undefined),
  Max: (a, b) => (typeof a === 'number' && typeof b === 'number' ? Math.max(a, b) : a === b ? a : undefined),
  Equal: (a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a === b ? 1 : 0;
    if (a === b) return 1;
    const n = typeof a === 'number' ? a : typeof b === 'number' ? b : undefined;
    return n !== undefined && n < 0 ? 0 : undefined;
  },
  Less: (a, b) => (typeof a === 'number' && typeof b === 'number' ? (a < b ? 1 : 0) : undefined),
  Greater: (a, b) => (typeof a === 'number' && typeof b === 'number' ? (a > b ? 1 : 0) : undefined),
  LessOrEqual: (a, b) => (typeof a === 'number' && typeof b === 'number' ? (a <= b ? 1 : 0) : undefined),
  GreaterOrEqual: (a, b) => (typeof a === 'number' && typeof b === 'number' ? (a >= b ? 1 : 0) : undefined),
  And: (a, b) => (typeof a === 'number' && typeof b === 'number' ? (a && b ? 1 : 0) : undefined),
  Or: (a, b) => (typeof a === 'number' && typeof b === 'number' ? (a || b ? 1 : 0) : undefined),
};

// Index of the element of a value of `dims` read at flat output position `k` of a broadcast to `outDims`.
function broadcastIndex(dims: number[], outDims: number[], k: number): number {
  let idx = 0;
  let stride = 1;
  let rest = k;
  const lead = outDims.length - dims.length;
  const coords = outDims.map(() => 0);
  for (let i = outDims.length - 1; i >= 0; i--) {
    coords[i] = rest % outDims[i]!;
    rest = Math.floor(rest / outDims[i]!);
  }
  for (let i = dims.length - 1; i >= 0; i--) {
    const c = dims[i] === 1 ? 0 : coords[i + lead]!;
    idx += c * stride;
    stride *= dims[i]!;
  }
  return idx;
}

// Shape arithmetic in exported graphs (e.g. H*W for a Reshape target, Where(Equal(shape, -1), 1, shape))
// folded on small constants.
function foldElementwise(op: string, ins: string[], out: string, facts: ValueFacts): void {
  const shape = facts.shape(out);
  if (!shape || shape.some((d) => typeof d !== 'number')) return;
  const outDims = shape as number[];
  const count = outDims.reduce((a, b) => a * b, 1);
  if (count > 64) return;
  const cs = ins.map((i) => facts.consts.get(i));
  if (cs.some((c) => !c)) return;
  const read = (j: number, k: number): Value => cs[j]!.values[broadcastIndex(cs[j]!.dims, outDims, k)]!;
  const values: Value[] = [];
  if (op === 'Where') {
    for (let k = 0; k < count; k++) values.push(read(0, k) ? read(1, k) : read(2, k));
  } else if (op === 'Not') {
    for (let k = 0; k < count; k++) values.push(read(0, k) ? 0 : 1);
  } else {
    const f = FOLD[op];
    if (!f || ins.length !== 2) return;
    const t = facts.type(out);
    const isFloat = t === TensorDataType.FLOAT || t === TensorDataType.DOUBLE || t === TensorDataType.FLOAT16;
    for (let k = 0; k < count; k++) {
      const v = f(read(0, k), read(1, k), isFloat);
      if (v === undefined) return;
      values.push(v);
    }
  }
  facts.consts.set(out, { dims: outDims, values });
}

function inferNode(node: onnx.INodeProto, facts: ValueFacts, opset: number): void {
  const op = node.opType ?? '';
  const ins = node.input ?? [];
  const outs = node.output ?? [];
  if (op === 'Constant') return constantNode(node, facts);
  const t0 = facts.type(ins[0] ?? '');
  if (SAME_AS_INPUT.has(op) || BROADCAST.has(op)) {
    const type = BOOL_OUT.has(op) ? TensorDataType.BOOL : op === 'Where' ? facts.type(ins[1]!) : t0;
    if (type !== undefined) facts.types.set(outs[0]!, type);
    const shapes = (op === 'Where' || BROADCAST.has(op) ? ins : ins.slice(0, 1)).map((i) => facts.shape(i));
    const shape = broadcastShapes(shapes, () => facts.unknownDim());
    if (shape) facts.shapes.set(outs[0]!, shape);
    foldElementwise(op, ins, outs[0]!, facts);
    if (op === 'Dropout' && outs[1]) {
      facts.types.set(outs[1], TensorDataType.BOOL);
      if (shape) facts.shapes.set(outs[1], shape);
    }
    return;
  }
  if (inferTensorOp(node, facts, opset)) return;
  inferSpatialOp(node, facts, opset);
}

// Best-effort static shapes, types and small constants, enough for gradient rules to pick fast paths.
export function inferFacts(graph: onnx.IGraphProto, nodes: onnx.INodeProto[], opset: number): ValueFacts {
  const facts = new ValueFacts();
  for (const info of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const name = info.name ?? '';
    const type = info.type?.tensorType?.elemType;
    if (type !== undefined && type !== null) facts.types.set(name, type);
    const shape = valueInfoShape(info, facts);
    if (shape) facts.shapes.set(name, shape);
  }
  for (const t of graph.initializer ?? []) recordTensor(facts, t.name ?? '', t);
  for (const node of nodes) inferNode(node, facts, opset);
  return facts;
}
