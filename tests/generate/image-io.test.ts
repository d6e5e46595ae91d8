import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodePng, loadImageForDiffusion, unitImageToRgb } from '../../src/main/pipeline/generate';

describe('diffusion image I/O', () => {
  it('resizes without keeping the aspect ratio and maps 0..255 to [-1, 1], NCHW', async () => {
    // Left half red, right half blue, 40×10: squashed to 8×8 the halves stay halves.
    const w = 40;
    const h = 10;
    const px = Buffer.alloc(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) px.set(x < w / 2 ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
    const png = await sharp(px, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
    const t = await loadImageForDiffusion(png, 8, 8);
    expect(t).toHaveLength(3 * 64);
    const at = (c: number, y: number, x: number) => t[c * 64 + y * 8 + x]!;
    expect(at(0, 3, 0)).toBeCloseTo(1, 5);
    expect(at(2, 3, 0)).toBeCloseTo(-1, 5);
    expect(at(0, 3, 7)).toBeCloseTo(-1, 5);
    expect(at(2, 3, 7)).toBeCloseTo(1, 5);
    expect(at(1, 5, 2)).toBeCloseTo(-1, 5);
  });

  it('turns a [0,1] NCHW image into rounded RGB bytes and a PNG that decodes back to them', async () => {
    const x = Float32Array.from([0, 0.5, 1.2, -0.1, 1, 0.25, 0.2, 0.998, 0.002, 0.3, 0.7, 0.9]); // 3 × 2×2
    const rgb = unitImageToRgb(x, 2, 2);
    // pixel p = (c0[p], c1[p], c2[p])·255 rounded, clamped: p0 = (0, 1, 0.002), p2 = (1.2 → 1, 0.2, 0.7);
    // float32 0.7 is 0.69999999, so 0.7·255 = 178.4999… rounds down.
    expect(Array.from(rgb.data.subarray(0, 3))).toEqual([0, 255, 1]);
    expect(Array.from(rgb.data.subarray(6, 9))).toEqual([255, 51, 178]);
    const { data } = await sharp(await encodePng(rgb)).raw().toBuffer({ resolveWithObject: true });
    expect(Array.from(data)).toEqual(Array.from(rgb.data));
  });
});
