import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Walks protobuf fields straight from a file, reading only field headers and the small fields asked for.
 * A 1.7 GB ONNX file with embedded weights is validated by touching a few hundred KB: length-delimited
 * fields that are skipped (weights, nodes) are jumped over by offset, never read.
 */
export class ProtoFile {
  readonly size: number;
  private readonly fd: number;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  private constructor(fd: number, size: number) {
    this.fd = fd;
    this.size = size;
  }

  static open(path: string): ProtoFile {
    const fd = openSync(path, 'r');
    return new ProtoFile(fd, fstatSync(fd).size);
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Bytes [pos, pos+len); small reads go through a 64 KiB window because field headers sit close together. */
  bytes(pos: number, len: number): Uint8Array {
    if (pos >= this.windowStart && pos + len <= this.windowStart + this.window.length) {
      return this.window.subarray(pos - this.windowStart, pos - this.windowStart + len);
    }
    if (pos >= this.size || len <= 0) return new Uint8Array(0);
    const size = Math.max(len, WINDOW);
    const buf = Buffer.alloc(Math.min(size, this.size - pos));
    let done = 0;
    while (done < buf.length) {
      const n = readSync(this.fd, buf, done, buf.length - done, pos + done);
      if (n === 0) break;
      done += n;
    }
    if (len <= WINDOW) {
      this.window = buf.subarray(0, done);
      this.windowStart = pos;
    }
    return buf.subarray(0, Math.min(len, done));
  }
}

const WINDOW = 64 * 1024;

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

export interface ProtoField {
  no: number;
  wire: number;
  /** For WIRE_BYTES: the payload range; for the others, the raw value's range. */
  start: number;
  end: number;
  /** Varint value (exact below 2^53, which covers every count, offset and enum ONNX stores). */
  value: number;
}

/** The file stops inside a message: a download or copy that did not finish. */
export class ProtoTruncatedError extends Error {
  constructor(
    readonly at: number,
    readonly needed: number,
    readonly size: number,
  ) {
    super(`ends at byte ${size} but its contents continue to byte ${needed}`);
    this.name = 'ProtoTruncatedError';
  }
}

/** Bytes that are not a protobuf message at all (an HTML error page, a Git LFS pointer, random data). */
export class ProtoFormatError extends Error {
  constructor(
    readonly at: number,
    reason: string,
  ) {
    super(`not a valid ONNX protobuf at byte ${at}: ${reason}`);
    this.name = 'ProtoFormatError';
  }
}

function readVarint(file: ProtoFile, pos: number, end: number): { value: number; next: number } {
  const bytes = file.bytes(pos, Math.min(10, end - pos));
  let value = 0;
  let scale = 1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return { value, next: pos + i + 1 };
    scale *= 128;
  }
  if (pos + bytes.length >= file.size) throw new ProtoTruncatedError(pos, pos + bytes.length + 1, file.size);
  throw new ProtoFormatError(pos, 'a varint runs past its message');
}

/** Every field of the message occupying [start, end), in file order. */
export function* protoFields(file: ProtoFile, start: number, end: number): Generator<ProtoField> {
  let pos = start;
  while (pos < end) {
    const tag = readVarint(file, pos, end);
    const no = Math.floor(tag.value / 8);
    const wire = tag.value % 8;
    if (no === 0) throw new ProtoFormatError(pos, 'field number 0');
    pos = tag.next;
    let field: ProtoField;
    if (wire === WIRE_VARINT) {
      const v = readVarint(file, pos, end);
      field = { no, wire, start: pos, end: v.next, value: v.value };
    } else if (wire === WIRE_BYTES) {
      const len = readVarint(file, pos, end);
      field = { no, wire, start: len.next, end: len.next + len.value, value: len.value };
    } else if (wire === WIRE_FIXED64 || wire === WIRE_FIXED32) {
      field = { no, wire, start: pos, end: pos + (wire === WIRE_FIXED64 ? 8 : 4), value: 0 };
    } else {
      throw new ProtoFormatError(pos, `wire type ${wire}`);
    }
    if (field.end > end) {
      if (field.end > file.size) throw new ProtoTruncatedError(pos, field.end, file.size);
      throw new ProtoFormatError(pos, `field ${no} overruns its enclosing message`);
    }
    yield field;
    pos = field.end;
  }
}

export function fieldBytes(file: ProtoFile, f: ProtoField): Uint8Array {
  return file.bytes(f.start, f.end - f.start);
}

export function fieldString(file: ProtoFile, f: ProtoField): string {
  return Buffer.from(fieldBytes(file, f)).toString('utf8');
}

/** A repeated int64 field, packed (one length-delimited run) or not (one varint per element). */
export function varintsOf(file: ProtoFile, f: ProtoField): number[] {
  if (f.wire === WIRE_VARINT) return [f.value];
  const out: number[] = [];
  let pos = f.start;
  while (pos < f.end) {
    const v = readVarint(file, pos, f.end);
    out.push(v.value);
    pos = v.next;
  }
  return out;
}
