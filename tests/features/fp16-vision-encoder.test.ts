// A float16 CLIP vision export (tests/fixtures/real-layouts/clip_vision_fp16: Optimum-style dynamic axes,
// float32 pixel_values behind Casts) in the ONNX CLIP encoder: createSession widens it for the CPU provider,
// and its image embeddings match the float32 export's within float16 rounding.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createOnnxClipEncoder } from '../../src/main/pipeline/features/onnx-clip-encoder';

const ROOT = fileURLToPath(new URL('../fixtures/real-layouts', import.meta.url));

async function image(k: number): Promise<Buffer> {
  const [w, h] = [40 + 5 * k, 33 + 4 * k];
  const raw = Buffer.from(Array.from({ length: w * h * 3 }, (_, i) => (i * (k + 5) + ((i / 3) >> 3) * 13) % 256));
  return sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
}

describe('float16 CLIP vision export', () => {
  it('encodes images like the float32 export (relative L2 < 1e-3)', async () => {
    const images = await Promise.all([0, 1, 2].map(image));
    const embed = async (name: string): Promise<Float32Array> => {
      const encoder = await createOnnxClipEncoder({ visionModelPath: join(ROOT, name, 'model.onnx'), imageSize: 32, providers: ['cpu'], batchSize: 2 });
      try {
        expect(encoder.dim).toBe(32);
        return await encoder.encodeImages(images);
      } finally {
        await encoder.release();
      }
    };
    const half = await embed('clip_vision_fp16');
    const full = await embed('clip_vision_dynamic');
    let diff = 0;
    let norm = 0;
    full.forEach((v, i) => {
      diff += (half[i]! - v) ** 2;
      norm += v * v;
    });
    expect(Math.sqrt(diff / norm)).toBeLessThan(1e-3);
  });
});
