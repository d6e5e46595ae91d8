import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyClip } from '../../src/main/onnx/factory';
import type { ClipEncoder } from '../../src/main/pipeline/features/clip-encoder';
import { MemoryFeatureCache } from '../../src/main/pipeline/features/feature-cache';
import { createOnnxClipEncoder } from '../../src/main/pipeline/features/onnx-clip-encoder';
import { createTransformersClipEncoder } from '../../src/main/pipeline/features/transformers-clip-encoder';

const dir = mkdtempSync(join(tmpdir(), 'synood-clip-'));
const modelDir = join(dir, 'tiny-clip');
const images: string[] = [];
const released: ClipEncoder[] = [];

beforeAll(async () => {
  writeTinyClip(modelDir, { seed: 5 });
  for (let k = 0; k < 5; k++) {
    const [w, h] = [40 + 7 * k, 36 + 3 * k];
    const raw = Buffer.from(Array.from({ length: w * h * 3 }, (_, i) => (i * (k + 3) + ((i / 3) >> 4) * 17) % 256));
    const path = join(dir, `img${k}.png`);
    writeFileSync(path, await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer());
    images.push(path);
  }
});

afterAll(async () => {
  for (const e of released) await e.release();
  rmSync(dir, { recursive: true, force: true });
});

function onnxEncoder(opts: { cache?: MemoryFeatureCache; preprocessing?: 'clip' | 'neglabel' } = {}): Promise<ClipEncoder> {
  return createOnnxClipEncoder({
    visionModelPath: join(modelDir, 'onnx', 'vision_model.onnx'),
    textModelPath: join(modelDir, 'onnx', 'text_model.onnx'),
    tokenizerDir: modelDir,
    providers: ['cpu'],
    batchSize: 2,
    ...opts,
  }).then((e) => (released.push(e), e));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('ClipEncoder backends on the factory tiny CLIP', () => {
  it('bare ONNX and transformers.js give the same image and text embeddings for the same pixels', async () => {
    const bare = await onnxEncoder();
    const hf = await createTransformersClipEncoder({ modelDir, preprocessing: 'clip', batchSize: 3 });
    released.push(hf);
    expect(bare.dim).toBe(16);
    expect(hf.dim).toBe(16);
    expect(bare.modelSha256).toBe(hf.modelSha256);
    expect(bare.prep).toBe(hf.prep);
    const a = await bare.encodeImages(images);
    const b = await hf.encodeImages(images);
    expect(a.length).toBe(5 * 16);
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
    // image_embeds are returned unnormalised.
    const norm0 = Math.hypot(...a.subarray(0, 16));
    expect(Math.abs(norm0 - 1)).toBeGreaterThan(1e-3);
    const texts = ['a nice cat', 'the nice dog', 'This is a red photo'];
    expect(maxAbsDiff(await bare.encodeTexts(texts), await hf.encodeTexts(texts))).toBeLessThan(1e-5);
    // Padding to the longest text of a call must not change a text's embedding (EOS pooling, causal mask).
    const alone = await bare.encodeTexts(['a nice cat']);
    expect(maxAbsDiff(alone, (await bare.encodeTexts(texts)).subarray(0, 16))).toBeLessThan(1e-5);
  });

  it("transformers.js's own processor path runs and is cached under its own key", async () => {
    const hf = await createTransformersClipEncoder({ modelDir, batchSize: 4 });
    released.push(hf);
    expect(hf.prep).toBe('transformers-processor-32');
    const f = await hf.encodeImages(images.slice(0, 3));
    expect(f.length).toBe(3 * 16);
    expect(f.every(Number.isFinite)).toBe(true);
  });
});

describe('feature cache', () => {
  it('a second call encodes nothing; new or differently preprocessed images are encoded', async () => {
    const cache = new MemoryFeatureCache();
    const enc = await onnxEncoder({ cache });
    const progress: [number, number][] = [];
    const first = await enc.encodeImages(images, (d, t) => progress.push([d, t]));
    expect(enc.runs.vision).toBe(3); // 5 images at batch size 2
    expect(progress.at(-1)).toEqual([5, 5]);
    expect(cache.size).toBe(5);

    const again = await enc.encodeImages(images);
    expect(enc.runs.vision).toBe(3);
    expect(Array.from(again)).toEqual(Array.from(first));

    // Keyed by content: a copy under another name hits, in any position of the batch.
    const copy = join(dir, 'copy-of-img3.png');
    copyFileSync(images[3]!, copy);
    const mixed = await enc.encodeImages([copy, images[0]!]);
    expect(enc.runs.vision).toBe(3);
    expect(Array.from(mixed.subarray(0, 16))).toEqual(Array.from(first.subarray(3 * 16, 4 * 16)));

    // Another preprocessing is another key.
    const neg = await onnxEncoder({ cache, preprocessing: 'neglabel' });
    await neg.encodeImages(images.slice(0, 2));
    expect(neg.runs.vision).toBe(1);
    expect(cache.size).toBe(7);
  });

  it('cached features equal freshly computed ones', async () => {
    const cache = new MemoryFeatureCache();
    const warm = await onnxEncoder({ cache });
    await warm.encodeImages(images.slice(1, 4));
    const cold = await onnxEncoder();
    const fromCache = await (await onnxEncoder({ cache })).encodeImages(images);
    expect(maxAbsDiff(fromCache, await cold.encodeImages(images))).toBeLessThan(1e-6);
  });
});
