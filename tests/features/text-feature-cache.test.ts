import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyClip } from '../../src/main/onnx/factory';
import { createOnnxClipEncoder, createTransformersClipEncoder, type ClipEncoder, type TextCachePrecision } from '../../src/main/pipeline/features';
import { TextFeatureCacheDb } from '../../src/main/store/text-feature-cache';
import { tmpDir } from '../helpers/tmp';

const WORDS = ['tree', 'water', 'railing', 'bamboo', 'leaf', 'tourist', 'stone', 'cloud', 'fence', 'grass', 'road', 'sky'];
const texts = (words: string[]) => words.map((w) => `a photo of a ${w}.`);

function cosine(a: Float32Array, b: Float32Array, row: number, d: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = row * d; j < (row + 1) * d; j++) {
    dot += a[j]! * b[j]!;
    na += a[j]! * a[j]!;
    nb += b[j]! * b[j]!;
  }
  return dot / Math.sqrt(na * nb);
}

describe('per-user text-feature cache (real tiny CLIP, real SQLite)', () => {
  let t: ReturnType<typeof tmpDir>;
  let clipDir: string;
  let cacheFile: string;
  const open: ClipEncoder[] = [];

  /** A fresh encoder and a freshly opened cache file: what a new job, a new project or a restarted Studio gets. */
  async function encoder(dir: string, precision: TextCachePrecision | null, batchSize = 4): Promise<{ enc: ClipEncoder; cache: TextFeatureCacheDb | null }> {
    const cache = precision ? TextFeatureCacheDb.open(cacheFile) : null;
    const enc = await createOnnxClipEncoder({
      visionModelPath: path.join(dir, 'onnx', 'vision_model.onnx'),
      textModelPath: path.join(dir, 'onnx', 'text_model.onnx'),
      tokenizerDir: dir,
      batchSize,
      textCache: cache && precision ? { cache, precision } : undefined,
    });
    open.push(enc);
    return { enc, cache };
  }

  beforeAll(() => {
    t = tmpDir('synood-text-cache-');
    clipDir = path.join(t.dir, 'clip');
    writeTinyClip(clipDir, { seed: 11, imageSize: 16, projectionDim: 64, width: 32 });
    cacheFile = path.join(t.dir, 'home', 'cache', 'text-features.sqlite');
  });

  afterAll(async () => {
    for (const e of open) await e.release();
    t.cleanup();
  });

  it('float32: a second encoder (a restart) computes nothing for cached texts and gives the fresh values bit for bit', async () => {
    const fresh = await encoder(clipDir, null);
    const expected = await fresh.enc.encodeTexts(texts(WORDS));
    expect(fresh.enc.runs.text).toBe(3); // 12 texts in batches of 4: the counter counts real model calls

    const cold = await encoder(clipDir, 'float32');
    const first = await cold.enc.encodeTexts(texts(WORDS));
    expect(cold.enc.runs.text).toBe(3);
    expect(Array.from(first)).toEqual(Array.from(expected));
    cold.cache!.close();

    const warm = await encoder(clipDir, 'float32');
    const again = await warm.enc.encodeTexts(texts(WORDS));
    expect(warm.enc.runs.text).toBe(0);
    expect(Array.from(again)).toEqual(Array.from(expected));
    // Only the texts it lacks are encoded: 2 new words → one call.
    const more = await warm.enc.encodeTexts(texts(['tree', 'pond', 'bench']));
    expect(warm.enc.runs.text).toBe(1);
    expect(Array.from(more.subarray(0, 64))).toEqual(Array.from(expected.subarray(0, 64)));
    warm.cache!.close();
  });

  it('float16: cosine to the fresh float32 feature within 1e-3, each value within float16 rounding, cold equal to warm', async () => {
    const fresh = await encoder(clipDir, null);
    const expected = await fresh.enc.encodeTexts(texts(WORDS));
    const cold = await encoder(clipDir, 'float16');
    const first = await cold.enc.encodeTexts(texts(WORDS));
    cold.cache!.close();
    const warm = await encoder(clipDir, 'float16');
    const again = await warm.enc.encodeTexts(texts(WORDS));
    expect(warm.enc.runs.text).toBe(0);
    // Cold and warm serve the same stored value, so a job's numbers do not depend on what the cache held.
    expect(Array.from(again)).toEqual(Array.from(first));
    let worst = 0;
    for (let r = 0; r < WORDS.length; r++) worst = Math.max(worst, 1 - cosine(again, expected, r, 64));
    expect(worst).toBeLessThan(1e-3);
    expect(worst).toBeGreaterThan(0); // it is rounded: float16 is not float32
    for (let i = 0; i < expected.length; i++) expect(Math.abs(again[i]! - expected[i]!)).toBeLessThanOrEqual(Math.abs(expected[i]!) * 2 ** -11 + 2 ** -25);
    // The float32 rows of the same encoder are another entry: float16 never answers a float32 request.
    expect(warm.cache!.stats().models).toBe(2);
    warm.cache!.close();
  });

  it('keyed by content: a copy of the model in another folder (another project) hits; another model recomputes', async () => {
    const copy = path.join(t.dir, 'other-project-models', 'clip');
    cpSync(clipDir, copy, { recursive: true });
    const same = await encoder(copy, 'float32');
    await same.enc.encodeTexts(texts(WORDS));
    expect(same.enc.runs.text).toBe(0);
    same.cache!.close();

    const otherDir = path.join(t.dir, 'clip-other');
    writeTinyClip(otherDir, { seed: 12, imageSize: 16, projectionDim: 64, width: 32 });
    const other = await encoder(otherDir, 'float32');
    const otherFeats = await other.enc.encodeTexts(texts(WORDS));
    expect(other.enc.runs.text).toBe(3);
    const fresh = await encoder(otherDir, null);
    expect(Array.from(otherFeats)).toEqual(Array.from(await fresh.enc.encodeTexts(texts(WORDS))));
    other.cache!.close();

    // A changed tokenizer file changes the key too, though the weights are the same.
    const retok = path.join(t.dir, 'clip-retok');
    cpSync(clipDir, retok, { recursive: true });
    const configFile = path.join(retok, 'tokenizer_config.json');
    writeFileSync(configFile, JSON.stringify({ ...(JSON.parse(readFileSync(configFile, 'utf8')) as object), note: 'changed' }));
    const r = await encoder(retok, 'float32');
    await r.enc.encodeTexts(texts(WORDS.slice(0, 4)));
    expect(r.enc.runs.text).toBe(1);
    r.cache!.close();
  });

  it('the transformers.js encoder (the noun describer’s) shares the cache the same way', async () => {
    const cache = TextFeatureCacheDb.open(cacheFile);
    const a = await createTransformersClipEncoder({ modelDir: clipDir, batchSize: 4, textCache: { cache, precision: 'float16' } });
    open.push(a);
    await a.encodeTexts(texts(['harbour', 'lamp']));
    expect(a.runs.text).toBe(1);
    const b = await createTransformersClipEncoder({ modelDir: clipDir, batchSize: 4, textCache: { cache, precision: 'float16' } });
    open.push(b);
    await b.encodeTexts(texts(['harbour', 'lamp', ...WORDS]));
    // The ONNX encoder stored these 12 as float16 under the same text tower: only 0 new texts here.
    expect(b.runs.text).toBe(0);
    cache.close();
  });
});

describe('TextFeatureCacheDb (the store)', () => {
  let t: ReturnType<typeof tmpDir>;
  beforeAll(() => {
    t = tmpDir('synood-text-cache-store-');
  });
  afterAll(() => t.cleanup());
  const row = (text: string, dim: number, v: number) => ({ text, data: new Uint8Array(new Float32Array(dim).fill(v).buffer) });
  const f32 = { dim: 3, valueBytes: 4 } as const;

  it('a batch with a bad row writes none of its rows', () => {
    const cache = TextFeatureCacheDb.open(path.join(t.dir, 'a.sqlite'));
    cache.put('m', f32, [row('ok', 3, 1)]);
    expect(() => cache.put('m', f32, [row('x', 3, 2), row('y', 3, 3), row('bad', 2, 4)])).toThrow(/'bad' has 8 bytes/);
    expect(cache.get('m', f32, ['ok', 'x', 'y', 'bad']).map((r) => r !== undefined)).toEqual([true, false, false, false]);
    // Another width is not served, though the text is there.
    expect(cache.get('m', { dim: 3, valueBytes: 2 }, ['ok'])).toEqual([undefined]);
    cache.close();
  });

  it('a process killed in the middle of a batch leaves none of that batch, and the file opens', () => {
    const file = path.join(t.dir, 'crash.sqlite');
    const first = TextFeatureCacheDb.open(file);
    first.put('m', f32, [row('before', 3, 1)]);
    first.close();
    const store = path.resolve(__dirname, '../../src/main/store/text-feature-cache.ts');
    const script = path.join(t.dir, 'crash.ts');
    // The rows come from a generator that kills its own process after 500 rows, inside put's transaction.
    writeFileSync(
      script,
      `import { TextFeatureCacheDb } from ${JSON.stringify(pathToFileURL(store).href)};
const cache = TextFeatureCacheDb.open(${JSON.stringify(file)});
function* rows() {
  for (let i = 0; i < 1000; i++) {
    if (i === 500) process.kill(process.pid, 'SIGKILL');
    yield { text: 'w' + i, data: new Uint8Array(new Float32Array([i, i, i]).buffer) };
  }
}
cache.put('m', { dim: 3, valueBytes: 4 }, rows());
`,
    );
    const tsx = pathToFileURL(createRequire(__filename).resolve('tsx')).href;
    const res = spawnSync(process.execPath, ['--import', tsx, script], { encoding: 'utf8' });
    expect(res.signal).toBe('SIGKILL');
    const after = TextFeatureCacheDb.open(file);
    expect(after.stats().rows).toBe(1);
    expect(after.get('m', f32, ['before', 'w0', 'w499']).map((r) => r !== undefined)).toEqual([true, false, false]);
    after.close();
  });

  it('keeps at most keepModels encoders, dropping the least recently used with their rows', () => {
    const cache = TextFeatureCacheDb.open(path.join(t.dir, 'lru.sqlite'), { keepModels: 2 });
    cache.put('a', f32, [row('w', 3, 1)], 1);
    cache.put('b', f32, [row('w', 3, 2)], 2);
    cache.touch('a', 1, 3); // a used after b
    cache.put('c', f32, [row('w', 3, 3)], 4);
    expect(['a', 'b', 'c'].map((k) => cache.get(k, f32, ['w'])[0] !== undefined)).toEqual([true, false, true]);
    expect(cache.stats()).toMatchObject({ models: 2, rows: 2, bytes: 24 });
    cache.close();
  });
});
