import type { onnx } from '../proto-types';
import type { Dim } from '../graph-builder';
import { TensorDataType } from '../data-types';
import { attrInt, attrInts, findAttribute } from '../attributes';
import { tensorToArray } from '../tensor';
import type { ConstTensor, ValueFacts } from './value-facts';
import { broadcastShapes } from './broadcast';
import { divDims, productOfDims } from './symbolic-dims';

const REDUCE = new Set([
  'ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum',
  'ReduceLogSumExp', 'ReduceSumSquare', 'ArgMax', 'ArgMin',
]);

function norm(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

// Reshape target with 0 (copy) and -1 (infer); the inferred size is the quotient of the products, with
// symbolic sizes cancelling as monomials (symbolic-dims.ts).
export function reshapeDims(src: Dim[], target: (number | string)[], allowzero: boolean, facts: ValueFacts): Dim[] {
  const out: Dim[] = target.map((d, i) => (d === 0 && !allowzero ? src[i]! : d));
  const inferIdx = out.indexOf(-1);
  if (inferIdx < 0) return out;
  const quotient = divDims(productOfDims(src), productOfDims(out.filter((_, j) => j !== inferIdx)));
  out[inferIdx] = quotient ?? facts.unknownDim();
  return out;
}

// Rank known, sizes not: fresh symbols.
function unknownDims(facts: ValueFacts, rank: number): Dim[] {
  return Array.from({ length: rank }, () => facts.unknownDim());
}

// The length of a 1-D value (a shape tensor) when it is static.
function vectorLength(facts: ValueFacts, name: string): number | undefined {
  const s = facts.shape(name);
  return s && s.length === 1 && typeof s[0] === 'number' ? s[0] : undefined;
}

// Broadcast `shape` against a target whose values are unknown but whose length is known: a dim other than 1
// survives (the target must be 1 there or equal), a 1 becomes unknown.
function expandUnknownTarget(facts: ValueFacts, shape: Dim[], rank: number): Dim[] {
  const r = Math.max(rank, shape.length);
  return Array.from({ length: r }, (_, i) => {
    const j = i - (r - shape.length);
    const d = j >= 0 ? shape[j]! : 1;
    return d === 1 ? facts.unknownDim() : d;
  });
}

function reduceAxes(node: onnx.INodeProto, facts: ValueFacts, opset: number): number[] | undefined {
  const op = node.opType ?? '';
  const axesFromInput = op === 'ReduceSum' ? opset >= 13 : opset >= 18 && !op.startsWith('Arg');
  if (op.startsWith('Arg')) return [attrInt(node, 'axis', 0)];
  if (!axesFromInput) return attrInts(node, 'axes') ?? [];
  const name = node.input?.[1];
  if (!name) return [];
  return facts.numbers(name);
}

function setConst(facts: ValueFacts, name: string, c: ConstTensor): void {
  facts.consts.set(name, c);
}

function sliceIndices(len: number, start: number, end: number, step: number): number[] {
  const clampStart = (v: number): number => {
    const x = v < 0 ? v + len : v;
    return step > 0 ? Math.min(Math.max(x, 0), len) : Math.min(Math.max(x, -1), len - 1);
  };
  const s = clampStart(start);
  const e = clampStart(end);
  const out: number[] = [];
  if (step > 0) for (let i = s; i < e; i += step) out.push(i);
  else for (let i = s; i > e; i += step) out.push(i);
  return out;
}

// Shape effect of Slice for one axis; exported so the Slice gradient agrees with inference exactly.
export function sliceLength(len: number, start: number, end: number, step: number): number {
  return sliceIndices(len, start, end, step).length;
}

// Returns true when it handled the op.
export function inferTensorOp(node: onnx.INodeProto, facts: ValueFacts, opset: number): boolean {
  const op = node.opType ?? '';
  const ins = node.input ?? [];
  const outs = node.output ?? [];
  const x = ins[0] ?? '';
  const xs = facts.shape(x);
  const xc = facts.consts.get(x);
  const out = outs[0] ?? '';
  const setType = (t: number | undefined, name = out): void => {
    if (t !== undefined) facts.types.set(name, t);
  };
  const setShape = (s: Dim[] | undefined, name = out): void => {
    if (s) facts.shapes.set(name, s);
  };
  switch (op) {
    case 'Shape': {
      setType(TensorDataType.INT64);
      if (!xs) return true;
      const r = xs.length;
      const start = norm(attrInt(node, 'start', 0), r);
      const end = findAttribute(node, 'end') ? norm(attrInt(node, 'end', r), r) : r;
      const dims = xs.slice(Math.max(0, start), Math.min(r, end));
      setShape([dims.length]);
      setConst(facts, out, { dims: [dims.length], values: dims });
      return true;
    }
    case 'Size': {
      setType(TensorDataType.INT64);
      setShape([]);
      if (xs) setConst(facts, out, { dims: [], values: [productOfDims(xs)] });
      return true;
    }
    case 'Cast': {
      setType(attrInt(node, 'to', TensorDataType.FLOAT));
      setShape(xs);
      if (xc) setConst(facts, out, xc);
      return true;
    }
    case 'Reshape': {
      setType(facts.type(x));
      const target = facts.consts.get(ins[1] ?? '');
      if (xs && target) setShape(reshapeDims(xs, target.values, attrInt(node, 'allowzero', 0) === 1, facts));
      else if (target) setShape(target.values.map((v) => (v === -1 || v === 0 ? facts.unknownDim() : v)));
      else {
        const n = vectorLength(facts, ins[1] ?? '');
        if (n !== undefined) setShape(unknownDims(facts, n));
      }
      const shape = facts.shape(out);
      if (xc && shape && shape.every((d) => typeof d === 'number')) {
        setConst(facts, out, { dims: shape as number[], values: xc.values });
      }
      return true;
    }
    case 'Flatten': {
      setType(facts.type(x));
      if (!xs) return true;
      const axis = norm(attrInt(node, 'axis', 1), xs.length);
      setShape([productOfDims(xs.slice(0, axis)), productOfDims(xs.slice(axis))]);
      return true;
    }
    case 'Transpose': {
      setType(facts.type(x));
      if (!xs) return true;
      const perm = attrInts(node, 'perm') ?? xs.map((_, i) => xs.length - 1 - i);
      setShape(perm.map((p) => xs[p]!));
      return true;
    }
    case 'Squeeze':
    case 'Unsqueeze': {
      setType(facts.type(x));
      const axes = opset >= 13 ? (ins[1] ? facts.numbers(ins[1]) : op === 'Squeeze' ? undefined : []) : attrInts(node, 'axes');
      if (!xs) return true;
      if (op === 'Squeeze') {
        if (axes === undefined && ins[1]) return true;
        const drop = new Set((axes ?? xs.flatMap((d, i) => (d === 1 ? [i] : []))).map((a) => norm(a, xs.length)));
        setShape(xs.filter((_, i) => !drop.has(i)));
      } else {
        if (!axes) return true;
        const r = xs.length + axes.length;
        const add = new Set(axes.map((a) => norm(a, r)));
        const res: Dim[] = [];
        let k = 0;
        for (let i = 0; i < r; i++) res.push(add.has(i) ? 1 : xs[k++]!);
        setShape(res);
      }
      const shape = facts.shape(out);
      if (xc && shape) setConst(facts, out, { dims: shape as number[], values: xc.values });
      return true;
    }
    case 'Concat': {
      setType(facts.type(x));
      const shapes = ins.map((i) => facts.shape(i));
      if (shapes.some((s) => !s)) return true;
      const r = shapes[0]!.length;
      const axis = norm(attrInt(node, 'axis', 0), r);
      const parts = shapes.map((s) => s![axis]!);
      const res = [...shapes[0]!];
      res[axis] = parts.every((p) => typeof p === 'number')
        ? (parts as number[]).reduce((a, b) => a + b, 0)
        : facts.unknownDim();
      setShape(res);
      const cs = ins.map((i) => facts.consts.get(i));
      if (r === 1 && cs.every((c) => c)) {
        const values = cs.flatMap((c) => c!.values);
        setConst(facts, out, { dims: [values.length], values });
      }
      return true;
    }
    case 'Split': {
      const t = facts.type(x);
      outs.forEach((o) => setType(t, o));
      if (!xs) return true;
      const axis = norm(attrInt(node, 'axis', 0), xs.length);
      const len = xs[axis];
      let sizes: number[] | undefined = opset >= 13 ? (ins[1] ? facts.numbers(ins[1]) : undefined) : attrInts(node, 'split');
      if (!sizes && typeof len === 'number') {
        const n = outs.length;
        const chunk = Math.ceil(len / n);
        sizes = outs.map((_, i) => Math.max(0, Math.min(chunk, len - i * chunk)));
      }
      outs.forEach((o, i) => {
        const s = [...xs];
        s[axis] = sizes ? sizes[i]! : facts.unknownDim();
        setShape(s, o);
      });
      return true;
    }
    case 'Slice': {
      setType(facts.type(x));
      if (!xs) return true;
      const starts = facts.consts.get(ins[1] ?? '')?.values;
      const ends = facts.consts.get(ins[2] ?? '')?.values;
      const axes = ins[3] ? facts.numbers(ins[3]) : starts?.map((_, i) => i);
      const steps = ins[4] ? facts.numbers(ins[4]) : starts?.map(() => 1);
      const res = [...xs];
      if (!starts || !ends || !axes || !steps) {
        if (axes) for (const a of axes) res[norm(a, xs.length)] = facts.unknownDim();
        else return true;
        setShape(res);
        return true;
      }
      axes.forEach((a, i) => {
        const ax = norm(a, xs.length);
        const len = xs[ax];
        const s = starts[i];
        const e = ends[i];
        if (typeof len === 'number' && typeof s === 'number' && typeof e === 'number') res[ax] = sliceLength(len, s, e, steps[i]!);
        // [0:] of a symbolic size (torch writes "to the end" as INT64_MAX).
        else if (s === 0 && typeof e === 'number' && e >= 2 ** 31 - 1 && steps[i] === 1) res[ax] = len!;
        else res[ax] = facts.unknownDim();
      });
      setShape(res);
      if (xc && xs.length === 1 && typeof xs[0] === 'number') {
        const s = starts[0] as number;
        const e = ends[0] as number;
        const idx = sliceIndices(xs[0], s, e, steps[0]!);
        setConst(facts, out, { dims: [idx.length], values: idx.map((i) => xc.values[i]!) });
      }
      return true;
    }
    case 'Gather': {
      setType(facts.type(x));
      const is = facts.shape(ins[1] ?? '');
      if (!xs || !is) return true;
      const axis = norm(attrInt(node, 'axis', 0), xs.length);
      setShape([...xs.slice(0, axis), ...is, ...xs.slice(axis + 1)]);
      const ic = facts.numbers(ins[1] ?? '');
      if (xc && ic && xs.length === 1 && typeof xs[0] === 'number') {
        const n = xs[0];
        setConst(facts, out, { dims: is as number[], values: ic.map((i) => xc.values[i < 0 ? i + n : i]!) });
      }
      return true;
    }
    case 'Expand': {
      setType(facts.type(x));
      const target = facts.consts.get(ins[1] ?? '');
      if (xs && target) setShape(broadcastShapes([xs, target.values], () => facts.unknownDim()));
      else if (xs) {
        const n = vectorLength(facts, ins[1] ?? '');
        if (n !== undefined) setShape(expandUnknownTarget(facts, xs, n));
      }
      return true;
    }
    case 'Tile': {
      setType(facts.type(x));
      const reps = facts.numbers(ins[1] ?? '');
      if (xs && reps) setShape(xs.map((d, i) => (typeof d === 'number' ? d * reps[i]! : reps[i] === 1 ? d : facts.unknownDim())));
      return true;
    }
    case 'Pad': {
      setType(facts.type(x));
      const pads = opset >= 11 ? facts.numbers(ins[1] ?? '') : attrInts(node, 'pads');
      if (!xs || !pads) return true;
      const axes = ins[3] ? facts.numbers(ins[3]) : xs.map((_, i) => i);
      if (!axes) return true;
      const res = [...xs];
      axes.forEach((a, i) => {
        const ax = norm(a, xs.length);
        const d = res[ax]!;
        res[ax] = typeof d === 'number' ? d + pads[i]! + pads[i + axes.length]! : facts.unknownDim();
      });
      setShape(res);
      return true;
    }
    case 'ConstantOfShape': {
      const value = findAttribute(node, 'value')?.t;
      setType(value?.dataType ?? TensorDataType.FLOAT);
      const target = facts.consts.get(x);
      if (!target) {
        const n = vectorLength(facts, x);
        if (n !== undefined) setShape(unknownDims(facts, n));
        return true;
      }
      setShape(target.values);
      if (target.values.every((v) => typeof v === 'number')) {
        const dims = target.values as number[];
        const count = dims.reduce((a, b) => a * b, 1);
        const v = value ? Number((tensorToArray(value) as ArrayLike<number | bigint>)[0] ?? 0) : 0;
        if (count <= 64) setConst(facts, out, { dims, values: new Array<number>(count).fill(v) });
      }
      return true;
    }
    case 'Range': {
      setType(facts.type(x));
      const [s, l, d] = [0, 1, 2].map((i) => facts.numbers(ins[i] ?? '')?.[0]);
      if (s === undefined || l === undefined || d === undefined) {
        setShape([facts.unknownDim()]);
        return true;
      }
      const n = Math.max(Math.ceil((l - s) / d), 0);
      setShape([n]);
      if (n <= 64) setConst(facts, out, { dims: [n], values: Array.from({ length: n }, (_, i) => s + i * d) });
      return true;
    }
    case 'NonZero': {
      setType(TensorDataType.INT64);
      if (xs) setShape([xs.length, facts.unknownDim()]);
      return true;
    }
    case 'MatMul': {
      setType(facts.type(x));
      const bs = facts.shape(ins[1] ?? '');
      if (!xs || !bs) return true;
      const a = xs.length === 1 ? [1, xs[0]!] : xs;
      const b = bs.length === 1 ? [bs[0]!, 1] : bs;
      const batch = broadcastShapes([a.slice(0, -2), b.slice(0, -2)], () => facts.unknownDim())!;
      const res: Dim[] = [...batch];
      if (xs.length > 1) res.push(a[a.length - 2]!);
      if (bs.length > 1) res.push(b[b.length - 1]!);
      setShape(res);
      return true;
    }
    case 'Gemm': {
      setType(facts.type(x));
      const bs = facts.shape(ins[1] ?? '');
      if (!xs || !bs) return true;
      const m = attrInt(node, 'transA', 0) ? xs[1]! : xs[0]!;
      const n = attrInt(node, 'transB', 0) ? bs[0]! : bs[1]!;
      setShape([m, n]);
      return true;
    }
    case 'LayerNormalization': {
      const t = facts.type(x);
      setType(t);
      setShape(xs);
      if (!xs) return true;
      const axis = norm(attrInt(node, 'axis', -1), xs.length);
      const stat = xs.map((d, i) => (i < axis ? d : 1));
      for (const o of outs.slice(1)) {
        if (!o) continue;
        setType(TensorDataType.FLOAT, o);
        setShape(stat, o);
      }
      return true;
    }
    default:
      break;
  }
  if (REDUCE.has(op)) {
    setType(op.startsWith('Arg') ? TensorDataType.INT64 : facts.type(x));
    const axes = reduceAxes(node, facts, opset);
    if (!xs || axes === undefined) return true;
    const keep = attrInt(node, 'keepdims', 1) === 1;
    const noop = attrInt(node, 'noop_with_empty_axes', 0) === 1;
    if (axes.length === 0 && noop) {
      setShape(xs);
      return true;
    }
    const set = new Set(axes.length === 0 ? xs.map((_, i) => i) : axes.map((a) => norm(a, xs.length)));
    setShape(keep ? xs.map((d, i) => (set.has(i) ? 1 : d)) : xs.filter((_, i) => !set.has(i)));
    return true;
  }
  return false;
}
