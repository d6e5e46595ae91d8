import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Everything needed to continue a run bit-for-bit: the parameters, the optimizer's buffers and step count,
 * where the loop stands and the shuffling generator's state.
 */
export interface TrainingCheckpoint {
  /** Which trainer wrote it ('projection' | 'label-features'); a resume from the wrong kind is refused. */
  kind: string;
  /** Epochs completed. */
  epoch: number;
  /** Optimizer steps completed. */
  globalStep: number;
  rngState: number;
  optimizerStep: number;
  params: Record<string, Float32Array>;
  optimizerBuffers: Record<string, Float32Array>;
  /** Settings the run was started with, so a resume with different settings can be refused. */
  config: Record<string, unknown>;
}

const MAGIC = 'SYNOODCKPT1\n';

interface Header {
  kind: string;
  epoch: number;
  globalStep: number;
  rngState: number;
  optimizerStep: number;
  config: Record<string, unknown>;
  tensors: { group: 'params' | 'optimizer'; name: string; length: number }[];
}

/**
 * Layout: magic, uint32 LE header length, JSON header, then the float32 tensors back to back (LE).
 * Written to a temporary file in the same folder, fsynced and renamed over the target, so a crash leaves
 * either the previous checkpoint or the new one, never a torn file.
 */
export function writeCheckpoint(path: string, ck: TrainingCheckpoint): void {
  const groups: [Header['tensors'][number]['group'], Record<string, Float32Array>][] = [
    ['params', ck.params],
    ['optimizer', ck.optimizerBuffers],
  ];
  const tensors: Header['tensors'] = [];
  const blobs: Float32Array[] = [];
  for (const [group, record] of groups) {
    for (const [name, data] of Object.entries(record)) {
      tensors.push({ group, name, length: data.length });
      blobs.push(data);
    }
  }
  const header: Header = {
    kind: ck.kind,
    epoch: ck.epoch,
    globalStep: ck.globalStep,
    rngState: ck.rngState,
    optimizerStep: ck.optimizerStep,
    config: ck.config,
    tensors,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(headerBytes.length);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, Buffer.from(MAGIC, 'latin1'));
    writeSync(fd, len);
    writeSync(fd, headerBytes);
    for (const b of blobs) writeSync(fd, Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

export function readCheckpoint(path: string): TrainingCheckpoint {
  const buf = readFileSync(path);
  if (buf.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) throw new Error(`${path} is not a SynOOD training checkpoint`);
  const headerLen = buf.readUInt32LE(MAGIC.length);
  let offset = MAGIC.length + 4;
  const header = JSON.parse(buf.subarray(offset, offset + headerLen).toString('utf8')) as Header;
  offset += headerLen;
  const params: Record<string, Float32Array> = {};
  const optimizerBuffers: Record<string, Float32Array> = {};
  for (const t of header.tensors) {
    const bytes = t.length * 4;
    if (offset + bytes > buf.length) throw new Error(`${path} is truncated (tensor ${t.name})`);
    // Copy out: the file buffer's offset need not be 4-byte aligned.
    const data = new Float32Array(t.length);
    Buffer.from(data.buffer).set(buf.subarray(offset, offset + bytes));
    offset += bytes;
    (t.group === 'params' ? params : optimizerBuffers)[t.name] = data;
  }
  return {
    kind: header.kind,
    epoch: header.epoch,
    globalStep: header.globalStep,
    rngState: header.rngState,
    optimizerStep: header.optimizerStep,
    config: header.config,
    params,
    optimizerBuffers,
  };
}
