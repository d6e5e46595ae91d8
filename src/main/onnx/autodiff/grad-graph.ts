import type { onnx } from '../proto-types';
import type { Dim } from '../graph-builder';
import { type AttrValue, makeAttribute } from '../attributes';
import { TensorDataType } from '../data-types';
import { makeTensor } from '../tensor';
import { type ValueFacts, sameShape } from './value-facts';

// Emits the backward nodes and their constants, and holds the shape helpers gradient rules share.
export class GradGraph {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  requiredOpset: number;
  private scope = 'grad';
  private counter = 0;
  private readonly constCache = new Map<string, string>();
  private readonly shapeCache = new Map<string, string>();

  constructor(
    readonly facts: ValueFacts,
    readonly opset: number,
    private readonly used: Set<string>,
  ) {
    this.requiredOpset = opset;
  }

  // Names the nodes emitted next after the forward node they differentiate, for readable gradient graphs.
  setScope(forwardNodeName: string): void {
    this.scope = `grad/${forwardNodeName}`;
  }

  fresh(base: string): string {
    let name = `${base}_${this.counter++}`;
    while (this.used.has(name)) name = `${base}_${this.counter++}`;
    this.used.add(name);
    return name;
  }

  // Some rules need ops newer than the model's opset (ScatterElements reduction='add' is opset 16).
  requireOpset(version: number): void {
    this.requiredOpset = Math.max(this.requiredOpset, version);
  }

  add(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs = 1): string[] {
    const name = this.fresh(`${this.scope}/${opType}`);
    const outs = Array.from({ length: outputs }, (_, i) => (outputs === 1 ? `${name}` : `${name}:${i}`));
    outs.forEach((o) => this.used.add(o));
    this.nodes.push({
      name,
      opType,
      input: inputs,
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => makeAttribute(k, v)),
    });
    return outs;
  }

  // Same as op() but with attributes copied verbatim, e.g. to re-run a forward op on other data.
  opWithAttributes(opType: string, inputs: string[], attribute: onnx.IAttributeProto[]): string {
    const out = this.op(opType, inputs);
    this.nodes[this.nodes.length - 1]!.attribute = [...attribute];
    return out;
  }

  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.add(opType, inputs, attrs)[0]!;
  }

  private cachedConst(key: string, make: (name: string) => onnx.ITensorProto): string {
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.fresh('grad_const');
    this.initializers.push(make(name));
    this.constCache.set(key, name);
    return name;
  }

  constF32(values: ArrayLike<number>, dims: number[]): string {
    const data = Float32Array.from(values);
    if (data.length > 16) {
      const name = this.fresh('grad_const');
      this.initializers.push(makeTensor(name, TensorDataType.FLOAT, dims, data));
      return name;
    }
    return this.cachedConst(`f32:${dims}:${Array.from(data)}`, (n) => makeTensor(n, TensorDataType.FLOAT, dims, data));
  }

  constI64(values: number[], dims: number[] = [values.length]): string {
    return this.cachedConst(`i64:${dims}:${values}`, (n) =>
      makeTensor(n, TensorDataType.INT64, dims, BigInt64Array.from(values.map((v) => BigInt(v)))),
    );
  }

  // A scalar of the same float type as `like` (float32 when unknown), so it can meet `like` in arithmetic.
  scalarLike(value: number, like: string): string {
    const type = this.facts.type(like) ?? TensorDataType.FLOAT;
    if (type === TensorDataType.FLOAT) return this.constF32([value], []);
    const key = `scalar:${type}:${value}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.op('Cast', [this.constF32([value], [])], { to: type });
    this.constCache.set(key, name);
    return name;
  }

  shapeOf(x: string): string {
    const hit = this.shapeCache.get(x);
    if (hit) return hit;
    const s = this.op('Shape', [x]);
    this.shapeCache.set(x, s);
    return s;
  }

  shape(x: string): Dim[] | undefined {
    return this.facts.shape(x);
  }

  rank(x: string): number | undefined {
    return this.facts.rank(x);
  }

  // Records that `name` has the shape and type of `source`, so later rules can still take static paths.
  like(name: string, source: string): string {
    const s = this.facts.shape(source);
    const t = this.facts.type(source);
    if (s) this.facts.shapes.set(name, s);
    if (t !== undefined) this.facts.types.set(name, t);
    return name;
  }

  setShape(name: string, shape: Dim[], typeFrom?: string): string {
    this.facts.shapes.set(name, shape);
    const t = typeFrom ? this.facts.type(typeFrom) : undefined;
    if (t !== undefined) this.facts.types.set(name, t);
    return name;
  }

  reduce(op: string, x: string, axes: number[], keepdims: boolean): string {
    const keep = keepdims ? 1 : 0;
    if (op === 'ReduceSum' ? this.opset >= 13 : this.opset >= 18) {
      return this.op(op, [x, this.constI64(axes)], { keepdims: keep });
    }
    return this.op(op, [x], { axes, keepdims: keep });
  }

  reduceSum(x: string, axes: number[], keepdims: boolean): string {
    return axes.length === 0 ? x : this.reduce('ReduceSum', x, axes, keepdims);
  }

  reduceMean(x: string, axes: number[], keepdims: boolean): string {
    return axes.length === 0 ? x : this.reduce('ReduceMean', x, axes, keepdims);
  }

  unsqueeze(x: string, axes: number[]): string {
    if (axes.length === 0) return x;
    return this.opset >= 13 ? this.op('Unsqueeze', [x, this.constI64(axes)]) : this.op('Unsqueeze', [x], { axes });
  }

  transpose(x: string, perm: number[]): string {
    if (perm.every((p, i) => p === i)) return x;
    return this.op('Transpose', [x], { perm });
  }

  reshapeLike(x: string, target: string): string {
    const s = this.facts.shape(target);
    if (s && s.every((d) => typeof d === 'number')) return this.op('Reshape', [x, this.constI64(s as number[])]);
    return this.op('Reshape', [x, this.shapeOf(target)]);
  }

  zerosLike(x: string): string {
    const type = this.facts.type(x) ?? TensorDataType.FLOAT;
    const value = makeTensor('', type === TensorDataType.DOUBLE ? type : TensorDataType.FLOAT, [1],
      type === TensorDataType.DOUBLE ? new Float64Array(1) : new Float32Array(1));
    const zeros = this.op('ConstantOfShape', [this.shapeOf(x)], { value });
    if (type === TensorDataType.FLOAT || type === TensorDataType.DOUBLE) return this.like(zeros, x);
    return this.like(this.op('Cast', [zeros], { to: type }), x);
  }

  // Undo numpy broadcasting: sum `grad` (shaped like `gradLike`) down to the shape of `target`. Static shapes
  // give a plain ReduceSum (or nothing); otherwise the broadcast axes are found at run time from Shape ops.
  sumToShape(grad: string, target: string, gradLike: string): string {
    const ts = this.facts.shape(target);
    const gs = this.facts.shape(gradLike);
    if (sameShape(ts, gs)) return grad;
    if (ts && gs && ts.length <= gs.length) {
      const lead = gs.length - ts.length;
      const axes: number[] = [];
      let decidable = true;
      ts.forEach((d, j) => {
        const gd = gs[lead + j]!;
        if (d === gd) return;
        if (d === 1) axes.push(lead + j);
        // A symbolic target dim may be 1 at run time; a numeric one other than 1 must match the gradient's.
        else if (typeof d === 'string') decidable = false;
      });
      if (decidable) {
        let r = this.reduceSum(grad, axes, true);
        r = this.reduceSum(r, Array.from({ length: lead }, (_, i) => i), false);
        return this.like(r, target);
      }
    }
    return this.like(this.sumToShapeAtRunTime(grad, target), target);
  }

  private sumToShapeAtRunTime(grad: string, target: string): string {
    const gShape = this.op('Shape', [grad]);
    const tShape = this.shapeOf(target);
    const rankGap = this.op('Sub', [this.op('Shape', [gShape]), this.op('Shape', [tShape])]);
    const onesLead = this.op('ConstantOfShape', [rankGap], { value: makeTensor('', TensorDataType.INT64, [1], BigInt64Array.of(1n)) });
    const padded = this.op('Concat', [onesLead, tShape], { axis: 0 });
    const one = this.constI64([1], []);
    const broadcastAxes = this.op('And', [this.op('Equal', [padded, one]), this.op('Not', [this.op('Equal', [gShape, one])])]);
    const axes = this.op('Reshape', [this.op('NonZero', [broadcastAxes]), this.constI64([-1])]);
    const summed = this.op('ReduceSum', [grad, axes], { keepdims: 1, noop_with_empty_axes: 1 });
    return this.op('Reshape', [summed, tShape]);
  }
}
