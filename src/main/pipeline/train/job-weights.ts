import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../files/atomic';
import type { ProjectionWeights } from './projection-weights';

const MAGIC = 'SYNOODW1\n';

/**
 * A trained run's output: magic, uint32 LE header length, JSON header (what the tensors are, plus metadata such
 * as the label ids), then the float32 LE tensors back to back. Written atomically: a reader sees the old file
 * or the new one.
 */
export function writeTensorFile(file: string, meta: Record<string, unknown>, tensors: Record<string, Float32Array>): void {
  const names = Object.keys(tensors);
  const header = Buffer.from(JSON.stringify({ meta, tensors: names.map((name) => ({ name, length: tensors[name]!.length })) }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  const parts = [Buffer.from(MAGIC, 'utf8'), len, header, ...names.map((n) => Buffer.from(tensors[n]!.buffer, tensors[n]!.byteOffset, tensors[n]!.byteLength))];
  writeFileAtomic(file, Buffer.concat(parts));
}

export function readTensorFile(file: string): { meta: Record<string, unknown>; tensors: Record<string, Float32Array> } {
  const buf = readFileSync(file);
  if (buf.subarray(0, MAGIC.length).toString('utf8') !== MAGIC) throw new Error(`${file} is not a SynOOD weights file`);
  const headerLen = buf.readUInt32LE(MAGIC.length);
  let at = MAGIC.length + 4;
  const header = JSON.parse(buf.subarray(at, at + headerLen).toString('utf8')) as { meta: Record<string, unknown>; tensors: { name: string; length: number }[] };
  at += headerLen;
  const tensors: Record<string, Float32Array> = {};
  for (const t of header.tensors) {
    if (at + t.length * 4 > buf.length) throw new Error(`${file} is truncated (tensor '${t.name}')`);
    const out = new Float32Array(t.length);
    new Uint8Array(out.buffer).set(buf.subarray(at, at + t.length * 4));
    tensors[t.name] = out;
    at += t.length * 4;
  }
  return { meta: header.meta, tensors };
}

function tensor(tensors: Record<string, Float32Array>, name: string, length: number, file: string): Float32Array {
  const t = tensors[name];
  if (!t || t.length !== length) throw new Error(`${file}: tensor '${name}' is missing or not ${length} values`);
  return t;
}

export function writeProjectionFile(file: string, w: ProjectionWeights): void {
  writeTensorFile(file, { kind: 'projection', dim: w.dim }, { weight: w.weight, bias: w.bias, lnWeight: w.lnWeight, lnBias: w.lnBias });
}

export function readProjectionFile(file: string): ProjectionWeights {
  const { meta, tensors } = readTensorFile(file);
  const dim = meta.dim;
  if (meta.kind !== 'projection' || typeof dim !== 'number') throw new Error(`${file} does not hold projection weights`);
  return {
    dim,
    weight: tensor(tensors, 'weight', dim * dim, file),
    bias: tensor(tensors, 'bias', dim, file),
    lnWeight: tensor(tensors, 'lnWeight', dim, file),
    lnBias: tensor(tensors, 'lnBias', dim, file),
  };
}

export interface TunedLabelFeatures {
  dim: number;
  /** neg_labels ids, one per row of `features`. */
  labelIds: number[];
  features: Float32Array;
}

export function writeLabelFeaturesFile(file: string, t: TunedLabelFeatures): void {
  writeTensorFile(file, { kind: 'label-features', dim: t.dim, labelIds: t.labelIds }, { features: t.features });
}

export function readLabelFeaturesFile(file: string): TunedLabelFeatures {
  const { meta, tensors } = readTensorFile(file);
  const { dim, labelIds } = meta as { dim?: unknown; labelIds?: unknown };
  if (meta.kind !== 'label-features' || typeof dim !== 'number' || !Array.isArray(labelIds)) throw new Error(`${file} does not hold tuned label features`);
  return { dim, labelIds: labelIds as number[], features: tensor(tensors, 'features', labelIds.length * dim, file) };
}
