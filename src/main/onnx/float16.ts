import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { onnx } from './proto-types';
import type { ModelProto } from './model-io';
import { TensorDataType } from './data-types';
import { toNumber } from './int64';
import { makeTensor, tensorDims, tensorToArray } from './tensor';

// float16 / bfloat16 exports (Optimum `--fp16`, onnxconverter-common's convert_float_to_float16) on providers
// without half-precision kernels (onnxruntime's CPU provider has few): `toFloat32` widens the model exactly
// (every float16 value is a float32 value), so the result is the float16 model's function evaluated in
// float32, and the autodiff engine can differentiate it like any float32 export.

const HALF_TYPES = new Set<number>([TensorDataType.FLOAT16, TensorDataType.BFLOAT16]);

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function float16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

// Round to nearest even, overflow to infinity, subnormals kept.
export function numberToFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e;
    let half = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

export function float16ToFloat32Array(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = float16BitsToNumber(bits[i]!);
  return out;
}

export function float32ToFloat16Array(values: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = numberToFloat16Bits(values[i]!);
  return out;
}

function bfloat16ToFloat32Array(bits: Uint16Array): Float32Array {
  const words = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) words[i] = bits[i]! << 16;
  return new Float32Array(words.buffer);
}

function* graphsOf(graph: onnx.IGraphProto | null | undefined): Generator<onnx.IGraphProto> {
  if (!graph) return;
  yield graph;
  for (const node of graph.node ?? []) {
    for (const a of node.attribute ?? []) {
      yield* graphsOf(a.g);
      for (const g of a.graphs ?? []) yield* graphsOf(g);
    }
  }
}

function valueInfoIsHalf(v: onnx.IValueInfoProto): boolean {
  return HALF_TYPES.has(v.type?.tensorType?.elemType ?? -1);
}

/** Whether any tensor, value or Cast of the model is float16 or bfloat16. */
export function hasFloat16(model: ModelProto): boolean {
  for (const g of graphsOf(model.graph)) {
    if ((g.initializer ?? []).some((t) => HALF_TYPES.has(t.dataType ?? -1))) return true;
    if ([...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])].some(valueInfoIsHalf)) return true;
    for (const n of g.node ?? []) {
      for (const a of n.attribute ?? []) {
        if (a.t && HALF_TYPES.has(a.t.dataType ?? -1)) return true;
        if ((a.name === 'to' || a.name === 'dtype') && HALF_TYPES.has(toNumber(a.i ?? 0))) return true;
      }
    }
  }
  return false;
}

function widenTensor(t: onnx.ITensorProto): onnx.ITensorProto {
  if (!HALF_TYPES.has(t.dataType ?? -1)) return t;
  const bits = tensorToArray(t) as Uint16Array;
  const values = t.dataType === TensorDataType.BFLOAT16 ? bfloat16ToFloat32Array(bits) : float16ToFloat32Array(bits);
  const widened = makeTensor(t.name ?? '', TensorDataType.FLOAT, tensorDims(t), values);
  if (t.docString) widened.docString = t.docString;
  return widened;
}

function widenValueInfo(v: onnx.IValueInfoProto): onnx.IValueInfoProto {
  if (!valueInfoIsHalf(v)) return v;
  return { ...v, type: { ...v.type, tensorType: { ...v.type!.tensorType, elemType: TensorDataType.FLOAT } } };
}

// Attributes naming an element type: Cast's `to`, the random ops' and EyeLike's `dtype`.
const TYPE_ATTRS = new Set(['to', 'dtype']);

function widenNode(node: onnx.INodeProto): onnx.INodeProto {
  if (!node.attribute || node.attribute.length === 0) return node;
  return {
    ...node,
    attribute: node.attribute.map((a) => {
      let out = a;
      if (TYPE_ATTRS.has(a.name ?? '') && HALF_TYPES.has(toNumber(a.i ?? 0))) out = { ...out, i: TensorDataType.FLOAT };
      if (a.t && HALF_TYPES.has(a.t.dataType ?? -1)) out = { ...out, t: widenTensor(a.t) };
      if (a.tensors?.some((t) => HALF_TYPES.has(t.dataType ?? -1))) out = { ...out, tensors: a.tensors.map(widenTensor) };
      if (a.g) out = { ...out, g: widenGraph(a.g) };
      if (a.graphs && a.graphs.length > 0) out = { ...out, graphs: a.graphs.map(widenGraph) };
      return out;
    }),
  };
}

function widenGraph(graph: onnx.IGraphProto): onnx.IGraphProto {
  return {
    ...graph,
    node: (graph.node ?? []).map(widenNode),
    initializer: (graph.initializer ?? []).map(widenTensor),
    input: (graph.input ?? []).map(widenValueInfo),
    output: (graph.output ?? []).map(widenValueInfo),
    valueInfo: (graph.valueInfo ?? []).map(widenValueInfo),
  };
}

function renameInputs(nodes: onnx.INodeProto[], from: string, to: string): void {
  for (const n of nodes) {
    if (n.input) n.input = n.input.map((i) => (i === from ? to : i));
    for (const a of n.attribute ?? []) {
      for (const g of [a.g, ...(a.graphs ?? [])]) if (g) renameInputs(g.node ?? [], from, to);
    }
  }
}

export interface ToFloat32Options {
  /**
   * Keep float16/bfloat16 graph inputs and outputs as they are (a Cast after each such input and before
   * each such output), so the model is fed and read exactly as before. Default false: they become float32.
   */
  keepIoTypes?: boolean;
}

/**
 * The model with every float16/bfloat16 initializer, Constant and ConstantOfShape value widened to float32,
 * Casts (and random ops' dtypes) that targeted them retargeted to float32, and value types updated, in
 * subgraphs too. Values are widened exactly; a model without half types comes back unchanged (same object).
 */
export function toFloat32(model: ModelProto, opts: ToFloat32Options = {}): ModelProto {
  if (!model.graph || !hasFloat16(model)) return model;
  const original = model.graph;
  const graph = widenGraph(original);
  if (opts.keepIoTypes) {
    const nodes = [...(graph.node ?? [])];
    const head: onnx.INodeProto[] = [];
    const tail: onnx.INodeProto[] = [];
    const used = new Set([...nodes.flatMap((n) => [...(n.input ?? []), ...(n.output ?? [])])]);
    const fresh = (base: string): string => {
      let name = base;
      for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
      used.add(name);
      return name;
    };
    (original.input ?? []).forEach((v, i) => {
      if (!valueInfoIsHalf(v)) return;
      const name = v.name ?? '';
      const wide = fresh(`${name}/float32`);
      renameInputs(nodes, name, wide);
      head.push({ name: fresh(`${name}/to_float32`), opType: 'Cast', input: [name], output: [wide], attribute: [{ name: 'to', type: 2, i: TensorDataType.FLOAT }] });
      graph.input![i] = v;
    });
    (original.output ?? []).forEach((v, i) => {
      if (!valueInfoIsHalf(v)) return;
      const name = v.name ?? '';
      const wide = fresh(`${name}/float32`);
      for (const n of nodes) if (n.output) n.output = n.output.map((o) => (o === name ? wide : o));
      renameInputs(nodes, name, wide);
      // A graph input passed straight through to an output keeps its (already cast) value.
      const source = (original.input ?? []).some((x) => x.name === name) ? head.find((h) => h.input![0] === name)!.output![0]! : wide;
      tail.push({ name: fresh(`${name}/to_half`), opType: 'Cast', input: [source], output: [name], attribute: [{ name: 'to', type: 2, i: v.type!.tensorType!.elemType! }] });
      graph.output![i] = v;
    });
    graph.node = [...head, ...nodes, ...tail];
  }
  return { ...model, graph };
}

// A forward-only protobuf field walker over a file: field headers are read, length-delimited payloads that
// are not entered (weights) are skipped by offset.
class FieldWalker {
  private readonly fd: number;
  readonly size: number;
  private buf = Buffer.alloc(0);
  private bufStart = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  private byte(pos: number): number {
    if (pos < this.bufStart || pos >= this.bufStart + this.buf.length) {
      this.buf = Buffer.alloc(Math.min(16 * 1024, this.size - pos));
      const n = readSync(this.fd, this.buf, 0, this.buf.length, pos);
      this.buf = this.buf.subarray(0, n);
      this.bufStart = pos;
      if (n === 0) throw new Error('truncated ONNX file');
    }
    return this.buf[pos - this.bufStart]!;
  }

  varint(pos: number): { value: number; next: number } {
    let value = 0;
    let scale = 1;
    for (let k = 0; k < 10; k++) {
      const b = this.byte(pos + k);
      value += (b & 0x7f) * scale;
      scale *= 128;
      if (!(b & 0x80)) return { value, next: pos + k + 1 };
    }
    throw new Error('bad varint in ONNX file');
  }

  *fields(start: number, end: number): Generator<{ no: number; wire: number; start: number; end: number; value: number }> {
    let pos = start;
    while (pos < end) {
      const tag = this.varint(pos);
      const no = Math.floor(tag.value / 8);
      const wire = tag.value % 8;
      pos = tag.next;
      if (wire === 0) {
        const v = this.varint(pos);
        yield { no, wire, start: pos, end: v.next, value: v.value };
        pos = v.next;
      } else if (wire === 2) {
        const len = this.varint(pos);
        yield { no, wire, start: len.next, end: len.next + len.value, value: len.value };
        pos = len.next + len.value;
      } else if (wire === 1 || wire === 5) {
        pos += wire === 1 ? 8 : 4;
      } else {
        throw new Error(`unexpected wire type ${wire} in ONNX file`);
      }
    }
  }
}

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_DATA_TYPE = 2;

/** Whether an ONNX file's main graph has a float16/bfloat16 initializer, found without reading any weights. */
export function fileHasFloat16Initializers(path: string): boolean {
  const walker = new FieldWalker(path);
  try {
    for (const g of walker.fields(0, walker.size)) {
      if (g.no !== MODEL_GRAPH || g.wire !== 2) continue;
      for (const init of walker.fields(g.start, g.end)) {
        if (init.no !== GRAPH_INITIALIZER || init.wire !== 2) continue;
        for (const f of walker.fields(init.start, init.end)) {
          if (f.no === TENSOR_DATA_TYPE && f.wire === 0) {
            if (HALF_TYPES.has(f.value)) return true;
            break;
          }
        }
      }
    }
    return false;
  } finally {
    walker.close();
  }
}
