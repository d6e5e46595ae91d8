import type { onnx } from './proto-types';
import type { ModelProto } from './model-io';
import { type AttrValue, makeAttribute } from './attributes';
import { type ElemTypeName, elemTypeCode } from './data-types';
import { makeTensor } from './tensor';
import { DEFAULT_OPSET, irVersionFor } from './opset';

export type Dim = number | string;

export function makeValueInfo(name: string, elemType: number, shape?: Dim[]): onnx.IValueInfoProto {
  const tensorType: onnx.ITypeProtoTensor = { elemType };
  if (shape) tensorType.shape = { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  return { name, type: { tensorType } };
}

function typeOfData(data: Float32Array | BigInt64Array | Int32Array | number[], type?: ElemTypeName): ElemTypeName {
  if (type) return type;
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  return 'float32';
}

function typedData(
  data: Float32Array | BigInt64Array | Int32Array | number[],
  type: ElemTypeName,
): Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array {
  if (!Array.isArray(data)) return data;
  switch (type) {
    case 'int64':
      return BigInt64Array.from(data.map((v) => BigInt(v)));
    case 'int32':
      return Int32Array.from(data);
    case 'float64':
      return Float64Array.from(data);
    case 'bool':
    case 'uint8':
      return Uint8Array.from(data);
    case 'float32':
      return Float32Array.from(data);
    default:
      throw new Error(`initializer from number[]: unsupported type ${type}`);
  }
}

// Small typed builder for hand-made graphs (loss graphs, training steps, test models).
export class GraphBuilder {
  readonly opset: number;
  private readonly name: string;
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(opts: { opset?: number; name?: string } = {}) {
    this.opset = opts.opset ?? DEFAULT_OPSET;
    this.name = opts.name ?? 'graph';
  }

  private fresh(prefix: string): string {
    let name = `${prefix}_${this.counter++}`;
    while (this.used.has(name)) name = `${prefix}_${this.counter++}`;
    this.used.add(name);
    return name;
  }

  input(name: string, type: ElemTypeName, shape: Dim[]): string {
    this.used.add(name);
    this.inputs.push(makeValueInfo(name, elemTypeCode(type), shape));
    return name;
  }

  output(name: string, type: ElemTypeName, shape?: Dim[]): void {
    this.outputs.push(makeValueInfo(name, elemTypeCode(type), shape));
  }

  initializer(
    name: string,
    data: Float32Array | BigInt64Array | Int32Array | number[],
    dims: number[],
    type?: ElemTypeName,
  ): string {
    const elem = typeOfData(data, type);
    this.used.add(name);
    this.initializers.push(makeTensor(name, elemTypeCode(elem), dims, typedData(data, elem)));
    return name;
  }

  constF32(values: number[] | Float32Array, dims?: number[]): string {
    const data = Float32Array.from(values);
    return this.initializer(this.fresh('const_f32'), data, dims ?? [data.length], 'float32');
  }

  constI64(values: number[] | bigint[], dims?: number[]): string {
    const data = BigInt64Array.from((values as (number | bigint)[]).map((v) => BigInt(v)));
    return this.initializer(this.fresh('const_i64'), data, dims ?? [data.length], 'int64');
  }

  node(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrValue> = {},
    opts: { outputs?: number | string[]; name?: string; domain?: string } = {},
  ): string[] {
    const nodeName = opts.name ?? this.fresh(opType);
    this.used.add(nodeName);
    const outputs = Array.isArray(opts.outputs)
      ? opts.outputs
      : Array.from({ length: opts.outputs ?? 1 }, (_, i) => this.fresh(`${nodeName}_out${i}`));
    outputs.forEach((o) => this.used.add(o));
    const node: onnx.INodeProto = {
      name: nodeName,
      opType,
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attrs).map(([k, v]) => makeAttribute(k, v)),
    };
    if (opts.domain) node.domain = opts.domain;
    this.nodes.push(node);
    return outputs;
  }

  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    return this.node(opType, inputs, attrs)[0]!;
  }

  build(): ModelProto {
    return {
      irVersion: irVersionFor(this.opset),
      producerName: 'synood-studio',
      opsetImport: [{ domain: '', version: this.opset }],
      graph: {
        name: this.name,
        node: this.nodes.map((n) => ({ ...n })),
        input: [...this.inputs],
        output: [...this.outputs],
        initializer: [...this.initializers],
      },
    };
  }
}

