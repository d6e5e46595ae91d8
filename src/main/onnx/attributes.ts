import type { onnx } from './proto-types';
import { AttributeType, TensorDataType } from './data-types';
import { toNumber } from './int64';
import { makeTensor } from './tensor';

export type AttrValue = number | number[] | string | string[] | Float32Array | onnx.ITensorProto;

// A JS number cannot say whether it is an ONNX INT or FLOAT, so float-valued attributes are known by name.
const FLOAT_ATTRS = new Set([
  'alpha',
  'beta',
  'gamma',
  'epsilon',
  'momentum',
  'bias',
  'lambd',
  'ratio',
  'spatial_scale',
  'extrapolation_value',
  'cubic_coeff_a',
  'value_float',
  'min',
  'max',
  'seed',
  'mean',
  'scale',
  'high',
  'low',
  'threshold',
]);
const FLOAT_LIST_ATTRS = new Set(['scales', 'value_floats', 'activation_alpha', 'activation_beta']);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function makeAttribute(name: string, value: AttrValue): onnx.IAttributeProto {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !FLOAT_ATTRS.has(name)) return { name, type: AttributeType.INT, i: value };
    return { name, type: AttributeType.FLOAT, f: value };
  }
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: encoder.encode(value) };
  if (value instanceof Float32Array) {
    return { name, type: AttributeType.TENSOR, t: makeTensor('', TensorDataType.FLOAT, [value.length], value) };
  }
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) {
      return { name, type: AttributeType.STRINGS, strings: (value as string[]).map((s) => encoder.encode(s)) };
    }
    const nums = value as number[];
    if (nums.every((v) => Number.isInteger(v)) && !FLOAT_LIST_ATTRS.has(name)) {
      return { name, type: AttributeType.INTS, ints: [...nums] };
    }
    return { name, type: AttributeType.FLOATS, floats: [...nums] };
  }
  return { name, type: AttributeType.TENSOR, t: value };
}

export function findAttribute(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

export function attrInt(node: onnx.INodeProto, name: string, fallback: number): number {
  const a = findAttribute(node, name);
  return a?.i !== undefined && a.i !== null ? toNumber(a.i) : fallback;
}

export function attrFloat(node: onnx.INodeProto, name: string, fallback: number): number {
  const a = findAttribute(node, name);
  return a?.f !== undefined && a.f !== null ? a.f : fallback;
}

export function attrInts(node: onnx.INodeProto, name: string): number[] | undefined {
  const a = findAttribute(node, name);
  if (!a) return undefined;
  return (a.ints ?? []).map(toNumber);
}

export function attrString(node: onnx.INodeProto, name: string, fallback: string): string {
  const a = findAttribute(node, name);
  return a?.s ? decoder.decode(a.s) : fallback;
}
