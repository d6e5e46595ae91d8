import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIP_NORMALISATION, normalisationOf, preprocessInto, preprocessingKey, resizedShape, type ClipPreprocessing } from '../../src/main/pipeline/features/clip-preprocess';

// References from torchvision + PIL (fixtures/make-preprocess-fixture.py): OpenAI CLIP's Resize(BICUBIC) and
// NegLabel's Resize(BILINEAR), CenterCrop, ToTensor, Normalize. libvips and PIL round differently, so we allow a
// couple of 1/255 steps per pixel and a small mean error.
const fixtures = join(__dirname, 'fixtures');
const STD_MIN = 0.26130258;

function reference(prep: ClipPreprocessing, image: string): Float32Array {
  const b = readFileSync(join(fixtures, `${prep}-${image}.f32`));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

async function ours(prep: ClipPreprocessing, image: string, asBuffer = false): Promise<Float32Array> {
  const out = new Float32Array(3 * 32 * 32);
  const path = join(fixtures, `image-${image}.png`);
  await preprocessInto(asBuffer ? readFileSync(path) : path, prep, 32, out, 0);
  return out;
}

/** Max and mean absolute difference in 1/255 pixel steps (undoing the std division conservatively). */
function errorIn255ths(a: Float32Array, b: Float32Array): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) * STD_MIN * 255;
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / a.length };
}

describe('CLIP preprocessing with sharp', () => {
  for (const prep of ['clip', 'neglabel'] as const) {
    for (const image of ['rgb', 'grey', 'rgba']) {
      it(`${prep} matches torchvision on the ${image} image`, async () => {
        const err = errorIn255ths(await ours(prep, image), reference(prep, image));
        expect(err.max).toBeLessThanOrEqual(3);
        expect(err.mean).toBeLessThan(0.5);
      });
    }
  }

  it('the two kernels are distinguishable: each output is closer to its own reference', async () => {
    const clip = await ours('clip', 'rgb');
    expect(errorIn255ths(clip, reference('clip', 'rgb')).mean).toBeLessThan(errorIn255ths(clip, reference('neglabel', 'rgb')).mean);
  });

  it('takes encoded bytes as well as paths', async () => {
    expect(Array.from(await ours('clip', 'rgb', true))).toEqual(Array.from(await ours('clip', 'rgb')));
  });

  it('resizes the shorter side like torchvision (int truncation of the longer)', () => {
    expect(resizedShape(61, 47, 32)).toEqual({ width: 41, height: 32 });
    expect(resizedShape(300, 500, 224)).toEqual({ width: 224, height: 373 });
    expect(preprocessingKey('neglabel', 224)).toBe('neglabel-linear-224');
  });

  it("normalises with a folder's own mean/std when preprocessor_config.json gives them; the cache key says so", async () => {
    const imagenet = normalisationOf({ image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225] });
    expect(imagenet.mean).toEqual([0.485, 0.456, 0.406]);
    // Missing or malformed values fall back to CLIP's.
    expect(normalisationOf({ image_mean: [0.5, 0.5], image_std: [0.5, 0.5, 0.5] })).toBe(CLIP_NORMALISATION);
    expect(normalisationOf(undefined)).toBe(CLIP_NORMALISATION);
    expect(preprocessingKey('neglabel', 64, CLIP_NORMALISATION)).toBe('neglabel-linear-64');
    expect(preprocessingKey('neglabel', 64, imagenet)).not.toBe('neglabel-linear-64');
    const size = 16;
    const [clip, own] = [new Float32Array(3 * size * size), new Float32Array(3 * size * size)];
    const file = join(fixtures, 'image-rgb.png');
    await preprocessInto(file, 'clip', size, clip, 0);
    await preprocessInto(file, 'clip', size, own, 0, imagenet);
    // The same pixel p/255 read through both: (x·σ_clip + μ_clip − μ_in)/σ_in.
    const i = 5;
    const p = clip[i]! * CLIP_NORMALISATION.std[0]! + CLIP_NORMALISATION.mean[0]!;
    expect(own[i]!).toBeCloseTo((p - 0.485) / 0.229, 5);
  });
});
