import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { runModel } from '../../src/main/onnx';
import { preprocessGraph, resnetPreprocessing } from '../../src/main/pipeline/generate/guidance/glue-graphs';

// The classifier preprocessing subgraph against the transform written out here: x = clamp(d/2 + 0.5, 0, 1),
// torch bilinear resize (align_corners=False: src = (dst + 0.5)·in/out − 0.5, clamped at 0), centre crop at
// round((size − crop)/2), then (x − mean)/std.

function bilinear(img: Float32Array, h: number, w: number, oh: number, ow: number): Float32Array {
  const out = new Float32Array(3 * oh * ow);
  const src = (dst: number, inSize: number, outSize: number) => Math.max(0, ((dst + 0.5) * inSize) / outSize - 0.5);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < oh; y++)
      for (let x = 0; x < ow; x++) {
        const sy = src(y, h, oh);
        const sx = src(x, w, ow);
        const y0 = Math.floor(sy);
        const x0 = Math.floor(sx);
        const y1 = Math.min(y0 + 1, h - 1);
        const x1 = Math.min(x0 + 1, w - 1);
        const ly = sy - y0;
        const lx = sx - x0;
        const at = (yy: number, xx: number) => img[c * h * w + yy * w + xx]!;
        out[c * oh * ow + y * ow + x] =
          (1 - ly) * ((1 - lx) * at(y0, x0) + lx * at(y0, x1)) + ly * ((1 - lx) * at(y1, x0) + lx * at(y1, x1));
      }
  return out;
}

describe('classifier preprocessing subgraph', () => {
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];

  it('ResNet-50 V2 sizes: a 512 square → 232×232 → crop 224 at offset 4', () => {
    const p = resnetPreprocessing(512, 512, 232, 224, mean, std);
    expect([p.resizeHeight, p.resizeWidth]).toEqual([232, 232]);
    // torchvision Resize(232) on 480×640 (h×w): short side 232, long side int(232·640/480) = 309.
    const q = resnetPreprocessing(480, 640, 232, 224, mean, std);
    expect([q.resizeHeight, q.resizeWidth]).toEqual([232, 309]);
  });

  for (const [h, w] of [
    [64, 64],
    [48, 64],
  ] as const) {
    it(`'bilinear' matches the written-out transform for a ${h}×${w} decode`, async () => {
      // The written-out transform is bilinear without antialias (the antialiased default: antialias-resize.test.ts).
      const p = resnetPreprocessing(h, w, 36, 32, mean, std, 'bilinear');
      const decoded = Float32Array.from({ length: 3 * h * w }, (_, i) => Math.sin(i * 0.37) * 1.3);
      const out = await runModel(preprocessGraph(17, h, w, p), { decoded: new ort.Tensor('float32', decoded, [1, 3, h, w]) });
      const unit = decoded.map((v) => Math.min(1, Math.max(0, v / 2 + 0.5)));
      expect(Array.from(out.image01!.data as Float32Array)).toEqual(Array.from(unit).map((v) => expect.closeTo(v, 6)));
      const resized = bilinear(unit, h, w, p.resizeHeight, p.resizeWidth);
      const top = Math.round((p.resizeHeight - 32) / 2);
      const left = Math.round((p.resizeWidth - 32) / 2);
      const pixels = out.pixels!.data as Float32Array;
      expect(out.pixels!.dims).toEqual([1, 3, 32, 32]);
      for (let c = 0; c < 3; c++)
        for (let y = 0; y < 32; y++)
          for (let x = 0; x < 32; x++) {
            const expected = (resized[c * p.resizeHeight * p.resizeWidth + (y + top) * p.resizeWidth + x + left]! - mean[c]!) / std[c]!;
            expect(pixels[c * 1024 + y * 32 + x]).toBeCloseTo(expected, 4);
          }
    });
  }
});
