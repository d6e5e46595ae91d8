import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { createSession } from '../../onnx';
import { normalisedBatch } from '../classifier/pixels';
import { softmax } from '../classifier/evaluate-classifier';
import { WORLD_IMAGE_SIZE } from '../scene';

/**
 * Measures of generated images taken outside the generate job (the issue asks for them independently of the job's
 * own numbers): the world classifier's max-softmax, and the world CLIP image tower's cosine similarity between a
 * candidate and its source image. Both models read the world's 64×64 ImageNet-normalised pixels.
 */

/** An image file as WORLD_IMAGE_SIZE² RGB bytes (resized if it is another size, alpha dropped). */
export async function readWorldPixels(file: string): Promise<Uint8Array> {
  const raw = await sharp(file).removeAlpha().resize(WORLD_IMAGE_SIZE, WORLD_IMAGE_SIZE, { fit: 'fill' }).raw().toBuffer();
  return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** Runs a world model (input `input` → output `logits`) over images in batches of 100; returns rows of `width` floats. */
async function runRows(model: string, images: readonly Uint8Array[]): Promise<{ rows: Float32Array; width: number }> {
  const h = await createSession(model, { providers: ['cpu'] });
  const chunks: Float32Array[] = [];
  let width = 0;
  try {
    for (let start = 0; start < images.length; start += 100) {
      const rows = Array.from({ length: Math.min(100, images.length - start) }, (_, i) => start + i);
      const out = await h.run({ input: new ort.Tensor('float32', normalisedBatch(images, rows), [rows.length, 3, WORLD_IMAGE_SIZE, WORLD_IMAGE_SIZE]) });
      const data = out.logits!.data as Float32Array;
      width = data.length / rows.length;
      chunks.push(Float32Array.from(data));
    }
  } finally {
    await h.release();
  }
  const rows = new Float32Array(images.length * width);
  let at = 0;
  for (const c of chunks) {
    rows.set(c, at);
    at += c.length;
  }
  return { rows, width };
}

/** The classifier's maximum softmax probability per image, and its argmax. */
export async function classifierMsp(classifierFile: string, images: readonly Uint8Array[]): Promise<{ msp: Float64Array; predicted: Int32Array }> {
  const { rows, width } = await runRows(classifierFile, images);
  const msp = new Float64Array(images.length);
  const predicted = new Int32Array(images.length);
  for (let i = 0; i < images.length; i++) {
    const p = softmax(rows.subarray(i * width, (i + 1) * width));
    let arg = 0;
    for (let k = 1; k < width; k++) if (p[k]! > p[arg]!) arg = k;
    msp[i] = p[arg]!;
    predicted[i] = arg;
  }
  return { msp, predicted };
}

/** Cosine similarity of each image a[i] to b[i] under an image tower's embedding. */
export async function pairedImageSimilarity(imageTowerFile: string, a: readonly Uint8Array[], b: readonly Uint8Array[]): Promise<Float64Array> {
  if (a.length !== b.length) throw new Error(`pairedImageSimilarity: ${a.length} images against ${b.length}`);
  const { rows, width } = await runRows(imageTowerFile, [...a, ...b]);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = rows.subarray(i * width, (i + 1) * width);
    const y = rows.subarray((a.length + i) * width, (a.length + i + 1) * width);
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let j = 0; j < width; j++) {
      xy += x[j]! * y[j]!;
      xx += x[j]! ** 2;
      yy += y[j]! ** 2;
    }
    out[i] = xy / Math.max(Math.sqrt(xx * yy), 1e-12);
  }
  return out;
}

export const mean = (v: ArrayLike<number>): number => (v.length ? Array.from(v).reduce((s, x) => s + x, 0) / v.length : NaN);

/** Sample standard deviation (n − 1); 0 for a single value. */
export function std(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / (v.length - 1));
}
