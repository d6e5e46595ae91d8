import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import protobuf from 'protobufjs';
import type { onnx } from './proto-types';
import { onnxMessageType } from './proto';
import { exactInt64 } from './int64';
import { DEFAULT_OPSET, defaultDomainOpset, irVersionFor } from './opset';
import { readExternalBytes } from './tensor';

export type ModelProto = onnx.IModelProto;

const INT64_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const DATA_LOCATION_EXTERNAL = 1;

function longToInt64(v: unknown): onnx.Int64 {
  if (typeof v === 'number' || typeof v === 'bigint') return v;
  const long = v as protobuf.Long;
  const high = long.unsigned ? long.high >>> 0 : long.high;
  // |value| < 2^53 exactly when the high word has at most 21 significant bits.
  if (high >= -0x200000 && high < 0x200000) return high * 4294967296 + (long.low >>> 0);
  return exactInt64(BigInt(long.toString()));
}

// protobufjs bundles long.js; its static typing only exposes the constructor's instance side.
const LongStatic = protobuf.util.Long as unknown as { fromString(s: string, unsigned?: boolean): protobuf.Long };

function toLong(v: unknown, unsigned: boolean): unknown {
  if (typeof v === 'bigint') return LongStatic.fromString(v.toString(), unsigned);
  return v;
}

// Generic reflection walk: decoded messages carry Long objects for int64 fields and encoding cannot take
// bigint, so both directions convert just those fields and leave everything else (bytes views included) alone.
function convert(type: protobuf.Type, message: object, int64: (v: unknown, unsigned: boolean) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!Object.prototype.hasOwnProperty.call(message, field.name)) continue;
    const value = (message as Record<string, unknown>)[field.name];
    if (value === null || value === undefined) continue;
    const unsigned = field.type.startsWith('u') || field.type === 'fixed64';
    const one = (v: unknown): unknown => {
      if (field.resolvedType instanceof protobuf.Type) return convert(field.resolvedType, v as object, int64);
      if (INT64_TYPES.has(field.type)) return int64(v, unsigned);
      return v;
    };
    if (field.repeated) {
      if (!Array.isArray(value) || value.length === 0) continue;
      out[field.name] = value.map(one);
    } else {
      out[field.name] = one(value);
    }
  }
  return out;
}

export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = onnxMessageType('ModelProto');
  return convert(type, type.decode(bytes), (v) => longToInt64(v)) as ModelProto;
}

export function loadModel(
  src: string | Uint8Array,
  opts: { baseDir?: string; loadExternalData?: boolean } = {},
): ModelProto {
  const bytes = typeof src === 'string' ? readFileSync(src) : src;
  const baseDir = opts.baseDir ?? (typeof src === 'string' ? dirname(src) : undefined);
  const model = decodeModel(bytes);
  if (opts.loadExternalData !== false) inlineExternalData(model, baseDir);
  return model;
}

function* allTensors(graph: onnx.IGraphProto | null | undefined): Generator<onnx.ITensorProto> {
  if (!graph) return;
  yield* graph.initializer ?? [];
  for (const node of graph.node ?? []) {
    for (const attr of node.attribute ?? []) {
      if (attr.t) yield attr.t;
      yield* attr.tensors ?? [];
      yield* allTensors(attr.g);
      for (const g of attr.graphs ?? []) yield* allTensors(g);
    }
  }
}

// After this the model is self-contained: saving it writes one file with every weight inside.
function inlineExternalData(model: ModelProto, baseDir: string | undefined): void {
  for (const t of allTensors(model.graph)) {
    if (t.dataLocation !== DATA_LOCATION_EXTERNAL) continue;
    t.rawData = readExternalBytes(t, baseDir);
    delete t.dataLocation;
    delete t.externalData;
  }
}

function defaultIrVersion(model: ModelProto): number {
  return irVersionFor(defaultDomainOpset(model, DEFAULT_OPSET));
}

export function saveModel(model: ModelProto): Uint8Array {
  const type = onnxMessageType('ModelProto');
  const withVersion = { ...model, irVersion: model.irVersion ?? defaultIrVersion(model) };
  const message = convert(type, withVersion, toLong);
  return type.encode(message).finish();
}
