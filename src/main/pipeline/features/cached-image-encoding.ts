import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { ImageInput, ProgressCallback } from './clip-encoder';
import type { FeatureCache } from './feature-cache';

export interface CachedEncodingOptions {
  dim: number;
  modelSha256: string;
  prep: string;
  batchSize: number;
  cache?: FeatureCache;
  /** Encodes up to `batchSize` images (their bytes), returning [n, dim]. */
  encodeBatch(images: Buffer[]): Promise<Float32Array>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Encodes `images` in batches, taking what it can from the cache (keyed by the SHA-256 of the image bytes,
 * so a renamed or copied file still hits) and storing what it computes. Only one batch of image bytes is held
 * at a time, so 50k-image sets stream. Progress counts cached images as done.
 */
export async function encodeImagesCached(
  images: ImageInput[],
  o: CachedEncodingOptions,
  onProgress?: ProgressCallback,
): Promise<Float32Array> {
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new Error(`batch size must be a positive integer, got ${o.batchSize}`);
  const out = new Float32Array(images.length * o.dim);
  let pending: { index: number; bytes: Buffer; sha: string }[] = [];
  let done = 0;
  const flush = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    const feats = await o.encodeBatch(batch.map((p) => p.bytes));
    if (feats.length !== batch.length * o.dim) {
      throw new Error(`image encoder returned ${feats.length} values for ${batch.length} images of dim ${o.dim}`);
    }
    batch.forEach((p, k) => {
      const f = feats.subarray(k * o.dim, (k + 1) * o.dim);
      out.set(f, p.index * o.dim);
      o.cache?.put(p.sha, o.modelSha256, o.prep, f);
    });
    done += batch.length;
    onProgress?.(done, images.length);
  };
  for (let i = 0; i < images.length; i++) {
    const img = images[i]!;
    const bytes = typeof img === 'string' ? await readFile(img) : img;
    const sha = sha256Hex(bytes);
    const hit = o.cache?.get(sha, o.modelSha256, o.prep);
    if (hit) {
      if (hit.length !== o.dim) throw new Error(`cached feature for image ${sha} has ${hit.length} values, the encoder gives ${o.dim}`);
      out.set(hit, i * o.dim);
      done++;
      // Report cache hits in steps of a batch, not per image.
      if (done % o.batchSize === 0) onProgress?.(done, images.length);
    } else {
      pending.push({ index: i, bytes, sha });
      if (pending.length === o.batchSize) await flush();
    }
  }
  if (pending.length > 0) await flush();
  onProgress?.(done, images.length);
  return out;
}
