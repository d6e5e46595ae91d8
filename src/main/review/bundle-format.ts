import crypto from 'node:crypto';
import zlib from 'node:zlib';
import { z } from 'zod';

/**
 * The run bundle container (`.synood-run`), one file, no zip:
 *
 *   offset 0   8 bytes   magic "SYNOODRB"
 *          8   u32 LE    format version (BUNDLE_FORMAT_VERSION)
 *         12   u32 LE    manifest length M
 *         16   M bytes   manifest, UTF-8 JSON (BundleManifest): origin, and per section its name, encoding, offset and
 *                        length in the data area and the SHA-256 of its stored bytes
 *     16 + M   D bytes   data area: the sections, back to back (D = manifest.dataLength)
 * 16 + M + D   32 bytes  SHA-256 of every byte before it
 *
 * Reading checks, in this order, and refuses with a message naming the first problem: the magic, the version, that
 * the file is as long as its manifest says (truncated / trailing bytes), the whole-file SHA-256, then each section's
 * bounds and SHA-256, and its decoding. Nothing is returned from a file that failed any check.
 */
export const BUNDLE_MAGIC = 'SYNOODRB';
export const BUNDLE_FORMAT_VERSION = 1;
export const BUNDLE_EXTENSION = '.synood-run';
const HEADER = 16;
const TRAILER = 32;

export const BundleSection = z.object({
  name: z.string().min(1).max(200),
  encoding: z.enum(['identity', 'gzip']),
  offset: z.number().int().min(0),
  length: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BundleSection = z.infer<typeof BundleSection>;

export const BundleManifest = z.object({
  format: z.literal('synood-run-bundle'),
  version: z.number().int(),
  createdAt: z.number(),
  studio: z.object({ name: z.string(), version: z.string() }),
  origin: z.object({ projectName: z.string(), projectPath: z.string(), runId: z.number().int(), runName: z.string() }),
  dataLength: z.number().int().min(0),
  sections: z.array(BundleSection),
});
export type BundleManifest = z.infer<typeof BundleManifest>;

/** A bundle that cannot be read; the message names the problem and says that nothing was imported. */
export class BundleError extends Error {
  constructor(
    readonly problem: 'not-a-bundle' | 'version' | 'truncated' | 'checksum' | 'section' | 'malformed',
    message: string,
  ) {
    super(message);
    this.name = 'BundleError';
  }
}

export interface SectionInput {
  name: string;
  data: Uint8Array;
  /** gzip for text (JSON, key lists); identity for scores and images. */
  encoding: 'identity' | 'gzip';
}

export const sha256Hex = (data: Uint8Array | string) => crypto.createHash('sha256').update(data).digest('hex');

/** The bundle's bytes. Sections are stored in the order given; their names must be unique. */
export function writeBundle(meta: Omit<BundleManifest, 'format' | 'version' | 'dataLength' | 'sections'>, sections: SectionInput[], version = BUNDLE_FORMAT_VERSION): Buffer {
  const names = new Set<string>();
  const stored: Buffer[] = [];
  const entries: BundleSection[] = [];
  let offset = 0;
  for (const s of sections) {
    if (names.has(s.name)) throw new Error(`bundle section '${s.name}' given twice`);
    names.add(s.name);
    const bytes = s.encoding === 'gzip' ? zlib.gzipSync(s.data, { level: 6 }) : Buffer.from(s.data.buffer, s.data.byteOffset, s.data.byteLength);
    entries.push({ name: s.name, encoding: s.encoding, offset, length: bytes.length, sha256: sha256Hex(bytes) });
    stored.push(bytes);
    offset += bytes.length;
  }
  const manifest: BundleManifest = { format: 'synood-run-bundle', version, ...meta, dataLength: offset, sections: entries };
  const manifestBytes = Buffer.from(JSON.stringify(manifest), 'utf8');
  const header = Buffer.alloc(HEADER);
  header.write(BUNDLE_MAGIC, 0, 'latin1');
  header.writeUInt32LE(version, 8);
  header.writeUInt32LE(manifestBytes.length, 12);
  const body = Buffer.concat([header, manifestBytes, ...stored]);
  return Buffer.concat([body, crypto.createHash('sha256').update(body).digest()]);
}

export interface ReadBundle {
  manifest: BundleManifest;
  /** SHA-256 of the whole file (its identity: the same bundle imported twice is found by it). */
  sha256: string;
  /** Decoded section bytes by name. */
  section(name: string): Buffer;
  json<T = unknown>(name: string): T;
  has(name: string): boolean;
}

const mb = (n: number) => `${n} bytes`;

/** Verifies everything and decodes the sections; throws BundleError on the first problem found. */
export function readBundle(buf: Uint8Array, label = 'the bundle'): ReadBundle {
  const file = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (file.length < 8 || file.toString('latin1', 0, 8) !== BUNDLE_MAGIC)
    throw new BundleError('not-a-bundle', `${label} is not a SynOOD run bundle (it does not start with ${BUNDLE_MAGIC}); nothing was imported`);
  if (file.length < HEADER) throw new BundleError('truncated', `${label} is truncated: ${mb(file.length)}, shorter than the ${HEADER}-byte header; nothing was imported`);
  const version = file.readUInt32LE(8);
  if (version !== BUNDLE_FORMAT_VERSION) {
    const why = version > BUNDLE_FORMAT_VERSION ? 'is newer than this studio reads: update SynOOD Studio to import it' : 'is not one this studio knows';
    throw new BundleError('version', `${label} has bundle format version ${version}, which ${why} (this studio reads version ${BUNDLE_FORMAT_VERSION}); nothing was imported`);
  }
  const manifestLength = file.readUInt32LE(12);
  if (HEADER + manifestLength > file.length)
    throw new BundleError('truncated', `${label} is truncated: ${mb(file.length)}, but its manifest alone needs ${mb(HEADER + manifestLength)}; nothing was imported`);
  let manifest: BundleManifest;
  try {
    manifest = BundleManifest.parse(JSON.parse(file.toString('utf8', HEADER, HEADER + manifestLength)));
  } catch (e) {
    const detail = e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (e as Error).message;
    // A manifest cut short by truncation reads as broken JSON: say truncated when the file is shorter than any complete bundle.
    throw new BundleError('malformed', `${label} has a damaged manifest (${detail}); nothing was imported`);
  }
  if (manifest.version !== version) throw new BundleError('malformed', `${label} has a damaged manifest (version ${manifest.version} in the manifest, ${version} in the header); nothing was imported`);
  const expected = HEADER + manifestLength + manifest.dataLength + TRAILER;
  if (file.length < expected) throw new BundleError('truncated', `${label} is truncated: ${mb(file.length)}, but its manifest declares ${mb(expected)}; nothing was imported`);
  if (file.length > expected) throw new BundleError('malformed', `${label} has ${mb(file.length - expected)} of unexpected data after its end; nothing was imported`);
  const body = file.subarray(0, file.length - TRAILER);
  const recorded = file.subarray(file.length - TRAILER).toString('hex');
  const actual = crypto.createHash('sha256').update(body).digest('hex');
  if (recorded !== actual)
    throw new BundleError('checksum', `${label} was tampered with or damaged: its SHA-256 is ${actual}, but it records ${recorded}; nothing was imported`);
  const dataStart = HEADER + manifestLength;
  const decoded = new Map<string, Buffer>();
  for (const s of manifest.sections) {
    if (decoded.has(s.name)) throw new BundleError('malformed', `${label} lists section '${s.name}' twice; nothing was imported`);
    if (s.offset + s.length > manifest.dataLength) throw new BundleError('section', `${label}: section '${s.name}' lies outside the data area; nothing was imported`);
    const raw = file.subarray(dataStart + s.offset, dataStart + s.offset + s.length);
    const got = sha256Hex(raw);
    if (got !== s.sha256) throw new BundleError('section', `${label} was tampered with: section '${s.name}' has SHA-256 ${got}, but the manifest records ${s.sha256}; nothing was imported`);
    try {
      decoded.set(s.name, s.encoding === 'gzip' ? zlib.gunzipSync(raw) : Buffer.from(raw));
    } catch (e) {
      throw new BundleError('section', `${label}: section '${s.name}' cannot be decoded (${(e as Error).message}); nothing was imported`);
    }
  }
  const section = (name: string) => {
    const b = decoded.get(name);
    if (!b) throw new BundleError('malformed', `${label} has no section '${name}'; nothing was imported`);
    return b;
  };
  return {
    manifest,
    sha256: sha256Hex(file),
    section,
    has: (name) => decoded.has(name),
    json: <T,>(name: string) => {
      try {
        return JSON.parse(section(name).toString('utf8')) as T;
      } catch (e) {
        if (e instanceof BundleError) throw e;
        throw new BundleError('malformed', `${label}: section '${name}' is not valid JSON; nothing was imported`);
      }
    },
  };
}

/** Float64 little-endian bytes of a score array (exact: the evaluation's float32 scores widen losslessly). */
export function f64Bytes(values: ArrayLike<number>): Uint8Array {
  const out = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) out.writeDoubleLE(values[i]!, i * 8);
  return out;
}

export function f64FromBytes(b: Buffer, label: string): Float64Array {
  if (b.length % 8 !== 0) throw new BundleError('malformed', `${label}: a score section is not a whole number of float64 values; nothing was imported`);
  const out = new Float64Array(b.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = b.readDoubleLE(i * 8);
  return out;
}
