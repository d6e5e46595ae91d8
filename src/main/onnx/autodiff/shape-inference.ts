import type { onnx } from '../proto-types';
import type { Dim } from '../graph-builder';
import { TensorDataType } from '../data-types';
import { toNumber } from '../int64';
import { tensorDims, tensorToArray } from '../tensor';
import { ValueFacts } from './value-facts';
import { inferTensorOp } from './shape-tensor-ops';
import { inferSpatialOp } from './shape-spatial-ops';
import { broadcastShapes } from './broadcast';

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
    d.dimValue !== null && d.dimValue !== undefined ? toNumber(d.dimValue) : d.dimParam || facts.unknownDim(),
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

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => Math.trunc(a / b),
};

// Shape arithmetic in exported graphs (e.g. H*W for a Reshape target) folded on small integer constants.
function foldArithmetic(op: string, ins: string[], out: string, facts: ValueFacts): void {
  const f = ARITHMETIC[op];
  if (!f || ins.length !== 2) return;
  const a = facts.numbers(ins[0]!);
  const b = facts.numbers(ins[1]!);
  const shape = facts.shape(out);
  if (!a || !b || !shape || (a.length !== b.length && a.length !== 1 && b.length !== 1)) return;
  const isFloat = facts.type(out) === TensorDataType.FLOAT || facts.type(out) === TensorDataType.DOUBLE;
  const n = Math.max(a.length, b.length);
  const values = Array.from({ length: n }, (_, i) =>
    isFloat && op === 'Div' ? a[a.length === 1 ? 0 : i]! / b[b.length === 1 ? 0 : i]! : f(a[a.length === 1 ? 0 : i]!, b[b.length === 1 ? 0 : i]!),
  );
  facts.consts.set(out, { dims: shape as number[], values });
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
    foldArithmetic(op, ins, outs[0]!, facts);
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
