import { fieldString, ProtoFile, protoFields, varintsOf, WIRE_BYTES, type ProtoField } from './proto-reader';

/** One graph input or output as declared: dims are numbers when static, strings when symbolic, null when unnamed. */
export interface TensorSignature {
  name: string;
  /** onnxruntime's names ('float32', 'int64', …); 'sequence', 'map', 'optional' for non-tensor values. */
  dtype: string;
  /** null when the model declares no shape at all (rank unknown). */
  shape: (number | string | null)[] | null;
}

/** A weight stored outside the .onnx file, as the model references it. */
export interface ExternalDataRef {
  tensor: string;
  location: string;
  offset: number;
  /** From the `length` entry, else dims × element size; null when neither is known. */
  length: number | null;
}

export interface OnnxSignature {
  irVersion: number | null;
  /** Default-domain opset. */
  opset: number | null;
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  externalData: ExternalDataRef[];
  /**
   * The token-embedding table (an initializer named `…token_embedding.weight`, Hugging Face's CLIP text name, or
   * `…embed_tokens.weight`, the decoder LMs' name) and its row count; absent when there is none by those names.
   */
  tokenEmbedding?: { tensor: string; rows: number };
}

const TOKEN_EMBEDDING = /(^|\.)(token_embedding|embed_tokens)\.weight$/;

// onnx.TensorProto.DataType → onnxruntime-node's tensor type names.
const DTYPE_NAMES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
};
const DTYPE_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 14: 8, 15: 16, 16: 2 };

export function dtypeName(code: number): string {
  return DTYPE_NAMES[code] ?? `type#${code}`;
}

const MODEL = { irVersion: 1, graph: 7, opsetImport: 8 } as const;
const GRAPH = { initializer: 5, input: 11, output: 12 } as const;
const TENSOR = { dims: 1, dataType: 2, name: 8, externalData: 13, dataLocation: 14 } as const;
const DATA_LOCATION_EXTERNAL = 1;

/** Reads the declared inputs, outputs and external-data references of an ONNX file without loading weights. */
export function readOnnxSignature(path: string): OnnxSignature {
  const file = ProtoFile.open(path);
  try {
    return readModel(file);
  } finally {
    file.close();
  }
}

function readModel(file: ProtoFile): OnnxSignature {
  let irVersion: number | null = null;
  let opset: number | null = null;
  let graph: ProtoField | undefined;
  for (const f of protoFields(file, 0, file.size)) {
    if (f.no === MODEL.irVersion) irVersion = f.value;
    else if (f.no === MODEL.graph && f.wire === WIRE_BYTES) graph = f;
    else if (f.no === MODEL.opsetImport && f.wire === WIRE_BYTES) {
      const id = readOpset(file, f);
      if (id.domain === '' || id.domain === 'ai.onnx') opset = id.version;
    }
  }
  if (!graph) throw new OnnxNoGraphError();
  return { irVersion, opset, ...readGraph(file, graph) };
}

/** The file parsed as protobuf yet holds no graph: not an ONNX model (or cut before its graph). */
export class OnnxNoGraphError extends Error {
  constructor() {
    super('has no graph: not an ONNX model');
    this.name = 'OnnxNoGraphError';
  }
}

function readOpset(file: ProtoFile, f: ProtoField): { domain: string; version: number } {
  let domain = '';
  let version = 0;
  for (const g of protoFields(file, f.start, f.end)) {
    if (g.no === 1 && g.wire === WIRE_BYTES) domain = fieldString(file, g);
    else if (g.no === 2) version = g.value;
  }
  return { domain, version };
}

function readGraph(file: ProtoFile, graph: ProtoField): Omit<OnnxSignature, 'irVersion' | 'opset'> {
  const inputs: TensorSignature[] = [];
  const outputs: TensorSignature[] = [];
  const externalData: ExternalDataRef[] = [];
  const initializerNames = new Set<string>();
  let tokenEmbedding: OnnxSignature['tokenEmbedding'];
  for (const f of protoFields(file, graph.start, graph.end)) {
    if (f.wire !== WIRE_BYTES) continue;
    if (f.no === GRAPH.input) inputs.push(readValueInfo(file, f));
    else if (f.no === GRAPH.output) outputs.push(readValueInfo(file, f));
    else if (f.no === GRAPH.initializer) {
      const t = readInitializerHeader(file, f);
      initializerNames.add(t.name);
      if (t.external) externalData.push(t.external);
      if (!tokenEmbedding && t.dims.length === 2 && TOKEN_EMBEDDING.test(t.name)) tokenEmbedding = { tensor: t.name, rows: t.dims[0]! };
    }
  }
  // Before IR 4 every initializer was also listed as a graph input; those have values and are not fed.
  const declared = { inputs: inputs.filter((i) => !initializerNames.has(i.name)), outputs, externalData };
  return tokenEmbedding ? { ...declared, tokenEmbedding } : declared;
}

function readValueInfo(file: ProtoFile, f: ProtoField): TensorSignature {
  let name = '';
  let dtype = 'unknown';
  let shape: TensorSignature['shape'] = null;
  for (const g of protoFields(file, f.start, f.end)) {
    if (g.no === 1 && g.wire === WIRE_BYTES) name = fieldString(file, g);
    else if (g.no === 2 && g.wire === WIRE_BYTES) ({ dtype, shape } = readType(file, g));
  }
  return { name, dtype, shape };
}

const NON_TENSOR_TYPES: Record<number, string> = { 4: 'sequence', 5: 'map', 9: 'optional' };

function readType(file: ProtoFile, f: ProtoField): { dtype: string; shape: TensorSignature['shape'] } {
  for (const g of protoFields(file, f.start, f.end)) {
    if (g.no === 1 || g.no === 8) return readTensorType(file, g, g.no === 8 ? 'sparse ' : '');
    if (NON_TENSOR_TYPES[g.no]) return { dtype: NON_TENSOR_TYPES[g.no]!, shape: null };
  }
  return { dtype: 'unknown', shape: null };
}

function readTensorType(file: ProtoFile, f: ProtoField, prefix: string): { dtype: string; shape: TensorSignature['shape'] } {
  let dtype = 'unknown';
  let shape: TensorSignature['shape'] = null;
  for (const g of protoFields(file, f.start, f.end)) {
    if (g.no === 1) dtype = prefix + dtypeName(g.value);
    else if (g.no === 2 && g.wire === WIRE_BYTES) {
      shape = [];
      for (const d of protoFields(file, g.start, g.end)) if (d.no === 1 && d.wire === WIRE_BYTES) shape.push(readDim(file, d));
    }
  }
  return { dtype, shape };
}

function readDim(file: ProtoFile, f: ProtoField): number | string | null {
  for (const g of protoFields(file, f.start, f.end)) {
    if (g.no === 1) return g.value;
    if (g.no === 2 && g.wire === WIRE_BYTES) return fieldString(file, g);
  }
  return null;
}

/** An initializer's name and external-data entries; its data fields (raw_data, float_data, …) are skipped unread. */
function readInitializerHeader(file: ProtoFile, f: ProtoField): { name: string; dims: number[]; external: ExternalDataRef | null } {
  let name = '';
  let dataType = 0;
  let location = DATA_LOCATION_EXTERNAL - 1;
  const dims: number[] = [];
  const entries = new Map<string, string>();
  for (const g of protoFields(file, f.start, f.end)) {
    if (g.no === TENSOR.name && g.wire === WIRE_BYTES) name = fieldString(file, g);
    else if (g.no === TENSOR.dims) dims.push(...varintsOf(file, g));
    else if (g.no === TENSOR.dataType) dataType = g.value;
    else if (g.no === TENSOR.dataLocation) location = g.value;
    else if (g.no === TENSOR.externalData && g.wire === WIRE_BYTES) {
      let key = '';
      let value = '';
      for (const e of protoFields(file, g.start, g.end)) {
        if (e.no === 1 && e.wire === WIRE_BYTES) key = fieldString(file, e);
        else if (e.no === 2 && e.wire === WIRE_BYTES) value = fieldString(file, e);
      }
      entries.set(key, value);
    }
  }
  if (location !== DATA_LOCATION_EXTERNAL) return { name, dims, external: null };
  const elemBytes = DTYPE_BYTES[dataType];
  const counted = elemBytes === undefined ? null : dims.reduce((a, d) => a * d, 1) * elemBytes;
  const length = entries.has('length') ? Number(entries.get('length')) : counted;
  return { name, dims, external: { tensor: name, location: entries.get('location') ?? '', offset: Number(entries.get('offset') ?? '0'), length } };
}
