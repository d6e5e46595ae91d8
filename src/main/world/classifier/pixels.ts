import { WORLD_IMAGE_SIZE } from '../scene';
import { WORLD_CLASSIFIER_MEAN, WORLD_CLASSIFIER_STD } from './architecture';

/** Images (RGB bytes, HWC) `rows` of `images` as one normalised NCHW float batch. */
export function normalisedBatch(images: readonly Uint8Array[], rows: ArrayLike<number>, size = WORLD_IMAGE_SIZE): Float32Array {
  const plane = size * size;
  const out = new Float32Array(rows.length * 3 * plane);
  for (let b = 0; b < rows.length; b++) {
    const px = images[rows[b]!]!;
    const base = b * 3 * plane;
    for (let c = 0; c < 3; c++) {
      const m = WORLD_CLASSIFIER_MEAN[c]!;
      const s = WORLD_CLASSIFIER_STD[c]!;
      for (let i = 0; i < plane; i++) out[base + c * plane + i] = (px[i * 3 + c]! / 255 - m) / s;
    }
  }
  return out;
}
