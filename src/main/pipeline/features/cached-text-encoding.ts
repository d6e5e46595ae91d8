import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { numberToFloat16Bits } from '../../onnx/float16';
import type { CachedRow, TextFeatureCacheDb } from '../../store/text-feature-cache';
import { sha256OfModelFile } from './model-hash';

/** What a text encoder needs of the per-user cache (the store's TextFeatureCacheDb). */
export type TextFeatureCache = Pick<TextFeatureCacheDb, 'get' | 'put' | 'touch'>;

/**
 * How cached features are kept. 'float16' halves the file (the noun describer's 118k WordNet nouns, which only
 * rank nouns; cosine error measured by bench:text-cache); 'float32' keeps every bit, so the OOD stages' scores from
 * the cache equal a fresh computation exactly.
 */
export type TextCachePrecision = 'float16' | 'float32';

/** A text encoder's view of the cache: the store and the precision this consumer wants. */
export interface TextCacheUse {
  cache: TextFeatureCache;
  precision: TextCachePrecision;
}

/** The tokenizer files that decide the ids a text becomes (either layout loadLocalTokenizer reads). */
const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'vocab.json', 'merges.txt', 'special_tokens_map.json'];

/**
 * The key text features are cached under: SHA-256 over the text tower's bytes (and its external data) and every
 * tokenizer file present. Two folders with the same files share features; a changed weight or vocabulary does not.
 */
export async function textEncoderKey(textModelPath: string, tokenizerDir: string): Promise<string> {
  const hash = createHash('sha256').update(`clip-text-v1\n${await sha256OfModelFile(textModelPath)}\n`);
  for (const f of TOKENIZER_FILES) {
    const p = join(tokenizerDir, f);
    if (existsSync(p)) hash.update(`${f} ${createHash('sha256').update(readFileSync(p)).digest('hex')}\n`);
  }
  return hash.digest('hex');
}

// float16 → float32 for all 65536 bit patterns: decoding 118k × 512 values is then one table lookup each.
let halfTable: Float32Array | null = null;
function float16Table(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    t[h] = exp === 0 ? sign * frac * 2 ** -24 : exp === 0x1f ? (frac ? NaN : sign * Infinity) : sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  halfTable = t;
  return t;
}

export function decodeHalfInto(bits: Uint16Array, out: Float32Array, offset: number): void {
  const t = float16Table();
  for (let i = 0; i < bits.length; i++) out[offset + i] = t[bits[i]!]!;
}

export function encodeHalf(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || Math.abs(v) > 65504) throw new Error(`text feature value ${v} does not fit float16`);
    out[i] = numberToFloat16Bits(v);
  }
  return out;
}

/** A row's bytes, little-endian (the platforms Node runs on are). */
function rowBytes(values: Float32Array, precision: TextCachePrecision): Uint8Array {
  const typed = precision === 'float16' ? encodeHalf(values) : values.slice();
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
}

function decodeRowInto(data: Uint8Array, precision: TextCachePrecision, out: Float32Array, offset: number): void {
  // Copied to an aligned buffer first: SQLite's Buffer may start at any byte.
  const aligned = new Uint8Array(data.byteLength);
  aligned.set(data);
  if (precision === 'float16') decodeHalfInto(new Uint16Array(aligned.buffer), out, offset);
  else out.set(new Float32Array(aligned.buffer), offset);
}

export interface CachedTextEncodingOptions extends TextCacheUse {
  dim: number;
  /** The text encoder's content key (textEncoderKey), resolved once per encoder. */
  modelKey: () => Promise<string>;
  /** Texts per cache write: each chunk is encoded, then stored in one transaction, so a crash loses at most one. */
  chunkSize?: number;
  /** Encodes texts (any count), returning [n, dim]. */
  encode(texts: string[]): Promise<Float32Array>;
}

/**
 * [texts.length, dim] text features, encoding only the texts the cache lacks. What is returned is always the
 * value the cache holds (float16-rounded where that is the precision), computed now or earlier, so a job gives
 * the same numbers cold or warm.
 */
export async function encodeTextsCached(texts: string[], o: CachedTextEncodingOptions): Promise<Float32Array> {
  const d = o.dim;
  const key = `${await o.modelKey()}:${o.precision}`;
  const format = { dim: d, valueBytes: o.precision === 'float16' ? 2 : 4 } as const;
  const out = new Float32Array(texts.length * d);
  const unique = [...new Set(texts)];
  const found = new Map<string, Uint8Array>();
  o.cache.get(key, format, unique).forEach((data, i) => {
    if (data) found.set(unique[i]!, data);
  });
  if (found.size > 0) o.cache.touch(key, found.size);
  const missing = unique.filter((t) => !found.has(t));
  const chunk = o.chunkSize ?? 1024;
  for (let start = 0; start < missing.length; start += chunk) {
    const batch = missing.slice(start, start + chunk);
    const feats = await o.encode(batch);
    if (feats.length !== batch.length * d) throw new Error(`text encoder returned ${feats.length} values for ${batch.length} texts of dim ${d}`);
    const rows: CachedRow[] = batch.map((text, i) => ({ text, data: rowBytes(feats.subarray(i * d, (i + 1) * d), o.precision) }));
    o.cache.put(key, format, rows);
    for (const r of rows) found.set(r.text, r.data);
  }
  texts.forEach((t, i) => decodeRowInto(found.get(t)!, o.precision, out, i * d));
  return out;
}
