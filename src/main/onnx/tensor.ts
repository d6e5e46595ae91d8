import { closeSync, openSync, readSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { onnx } from './proto-types';
import { TensorDataType } from './data-types';
import { toNumber } from './int64';

export type TensorArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

const DATA_LOCATION_EXTERNAL = 1;

function elementSize(dataType: number): number {
  switch (dataType) {
    case TensorDataType.DOUBLE:
    case TensorDataType.INT64:
    case TensorDataType.UINT64:
      return 8;
    case TensorDataType.FLOAT:
    case TensorDataType.INT32:
    case TensorDataType.UINT32:
      return 4;
    case TensorDataType.FLOAT16:
    case TensorDataType.BFLOAT16:
    case TensorDataType.INT16:
    case TensorDataType.UINT16:
      return 2;
    case TensorDataType.INT8:
    case TensorDataType.UINT8:
    case TensorDataType.BOOL:
      return 1;
    default:
      throw new Error(`unsupported tensor data type ${dataType}`);
  }
}

export function tensorDims(t: onnx.ITensorProto): number[] {
  return (t.dims ?? []).map(toNumber);
}

export function tensorElementCount(t: onnx.ITensorProto): number {
  return tensorDims(t).reduce((a, b) => a * b, 1);
}

// Reads the bytes of a tensor stored outside the model (data_location = EXTERNAL).
export function readExternalBytes(t: onnx.ITensorProto, baseDir: string | undefined): Uint8Array {
  const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  if (!location) throw new Error(`tensor ${t.name}: external data without a location`);
  if (!isAbsolute(location) && baseDir === undefined) {
    throw new Error(`tensor ${t.name}: external data "${location}" needs the model's folder (baseDir)`);
  }
  const path = isAbsolute(location) ? location : join(baseDir!, location);
  const offset = Number(entries.get('offset') ?? '0');
  const length = entries.has('length')
    ? Number(entries.get('length'))
    : tensorElementCount(t) * elementSize(t.dataType ?? TensorDataType.FLOAT);
  const out = new Uint8Array(length);
  const fd = openSync(path, 'r');
  try {
    let done = 0;
    while (done < length) {
      const n = readSync(fd, out, done, length - done, offset + done);
      if (n === 0) throw new Error(`tensor ${t.name}: ${path} ends before offset ${offset} + ${length}`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}

// Copies into a fresh, aligned buffer: protobuf hands out raw_data as an unaligned view into the file
// (and on a Buffer, .slice() is itself a view of the whole pool, so the copy is made explicitly).
function fromBytes(bytes: Uint8Array, dataType: number): TensorArray {
  const owned = new Uint8Array(bytes.byteLength);
  owned.set(bytes);
  const copy = owned.buffer;
  switch (dataType) {
    case TensorDataType.FLOAT:
      return new Float32Array(copy);
    case TensorDataType.DOUBLE:
      return new Float64Array(copy);
    case TensorDataType.INT32:
      return new Int32Array(copy);
    case TensorDataType.INT64:
      return new BigInt64Array(copy);
    case TensorDataType.UINT64:
      return new BigUint64Array(copy);
    case TensorDataType.UINT32:
      return new Uint32Array(copy);
    case TensorDataType.INT16:
      return new Int16Array(copy);
    case TensorDataType.UINT16:
    case TensorDataType.FLOAT16:
    case TensorDataType.BFLOAT16:
      return new Uint16Array(copy);
    case TensorDataType.INT8:
      return new Int8Array(copy);
    case TensorDataType.UINT8:
    case TensorDataType.BOOL:
      return new Uint8Array(copy);
    default:
      throw new Error(`unsupported tensor data type ${dataType}`);
  }
}

function fromTypedFields(t: onnx.ITensorProto, dataType: number): TensorArray {
  switch (dataType) {
    case TensorDataType.FLOAT:
      return Float32Array.from(t.floatData ?? []);
    case TensorDataType.DOUBLE:
      return Float64Array.from(t.doubleData ?? []);
    case TensorDataType.INT64:
      return BigInt64Array.from((t.int64Data ?? []).map((v) => BigInt(v)));
    case TensorDataType.UINT64:
      return BigUint64Array.from((t.uint64Data ?? []).map((v) => BigInt(v)));
    case TensorDataType.UINT32:
      return Uint32Array.from((t.uint64Data ?? []).map((v) => Number(v)));
    case TensorDataType.INT32:
      return Int32Array.from(t.int32Data ?? []);
    case TensorDataType.INT16:
      return Int16Array.from(t.int32Data ?? []);
    case TensorDataType.INT8:
      return Int8Array.from(t.int32Data ?? []);
    case TensorDataType.UINT16:
    case TensorDataType.FLOAT16:
    case TensorDataType.BFLOAT16:
      return Uint16Array.from(t.int32Data ?? []);
    case TensorDataType.UINT8:
    case TensorDataType.BOOL:
      return Uint8Array.from(t.int32Data ?? []);
    case TensorDataType.STRING:
      return (t.stringData ?? []).map((s) => Buffer.from(s).toString('utf8'));
    default:
      throw new Error(`unsupported tensor data type ${dataType}`);
  }
}

// The tensor's values as a typed array (float16/bfloat16 as their raw 16-bit patterns).
export function tensorToArray(t: onnx.ITensorProto, baseDir?: string): TensorArray {
  const dataType = t.dataType ?? TensorDataType.UNDEFINED;
  if (t.dataLocation === DATA_LOCATION_EXTERNAL) return fromBytes(readExternalBytes(t, baseDir), dataType);
  if (t.rawData && t.rawData.length > 0) return fromBytes(t.rawData, dataType);
  return fromTypedFields(t, dataType);
}

export type TensorSource = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;

function bytesOf(data: TensorSource): Uint8Array {
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

// Builds a TensorProto with raw_data, the form every ONNX consumer reads fastest.
export function makeTensor(name: string, dataType: number, dims: number[], data: TensorSource): onnx.ITensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`tensor ${name}: ${data.length} values for dims [${dims}]`);
  return { name, dataType, dims: [...dims], rawData: bytesOf(data) };
}
