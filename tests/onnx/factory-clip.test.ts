import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AutoProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  env,
  RawImage,
} from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLIP_IMAGE_MEAN, CLIP_IMAGE_STD, writeTinyClip } from '../../src/main/onnx/factory';

const ROOT = mkdtempSync(join(tmpdir(), 'factory-clip-'));
const MODEL_ID = 'tiny-clip';
const LOAD = { local_files_only: true, dtype: 'fp32' } as const;

beforeAll(() => {
  writeTinyClip(join(ROOT, MODEL_ID), { seed: 11 });
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = ROOT;
});

function fileBytes(dir: string, files: string[]): Buffer[] {
  return files.map((f) => readFileSync(join(dir, f)));
}

describe('tiny CLIP in the transformers.js layout', () => {
  it('is byte-identical for the same seed', () => {
    const files = ['config.json', 'tokenizer.json', 'preprocessor_config.json', 'onnx/text_model.onnx', 'onnx/vision_model.onnx'];
    const again = mkdtempSync(join(tmpdir(), 'factory-clip-again-'));
    writeTinyClip(again, { seed: 11 });
    const a = fileBytes(join(ROOT, MODEL_ID), files);
    const b = fileBytes(again, files);
    a.forEach((bytes, i) => expect(bytes.equals(b[i]!), files[i]).toBe(true));
    const other = mkdtempSync(join(tmpdir(), 'factory-clip-other-'));
    writeTinyClip(other, { seed: 12 });
    expect(readFileSync(join(other, 'onnx/text_model.onnx')).equals(a[3]!)).toBe(false);
  });

  it('AutoTokenizer encodes words of the vocabulary as single tokens between the CLIP specials', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(MODEL_ID, LOAD);
    const vocab = JSON.parse(readFileSync(join(ROOT, MODEL_ID, 'tokenizer.json'), 'utf8')).model.vocab as Record<string, number>;
    const { input_ids } = tokenizer('A  Photo of a cat', { return_tensor: false }) as unknown as { input_ids: number[] };
    const expected = ['<|startoftext|>', 'a</w>', 'photo</w>', 'of</w>', 'a</w>', 'cat</w>', '<|endoftext|>'].map((t) => vocab[t]);
    expect(input_ids).toEqual(expected);
    // A word outside the merges falls back to byte symbols and still decodes.
    const zebra = tokenizer('zebra', { return_tensor: false }) as unknown as { input_ids: number[] };
    expect(zebra.input_ids.length).toBeGreaterThan(3);
    expect(tokenizer.decode(zebra.input_ids, { skip_special_tokens: true }).trim()).toBe('zebra');
  });

  it('CLIPTextModelWithProjection embeds a padded batch; padding does not change a sentence embedding', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(MODEL_ID, LOAD);
    const model = await CLIPTextModelWithProjection.from_pretrained(MODEL_ID, LOAD);
    const batch = tokenizer(['a photo of a nice cat', 'a dog'], { padding: true, truncation: true });
    const single = tokenizer(['a dog'], { padding: true, truncation: true });
    const { text_embeds } = await model(batch);
    const alone = (await model(single)).text_embeds;
    expect(text_embeds.dims).toEqual([2, 16]);
    const padded = Array.from(text_embeds.data as Float32Array).slice(16);
    const unpadded = Array.from(alone.data as Float32Array);
    padded.forEach((v, i) => expect(v).toBeCloseTo(unpadded[i]!, 5));
    expect(padded.every(Number.isFinite)).toBe(true);
    await model.dispose();
  });

  it('AutoProcessor + CLIPVisionModelWithProjection: a flat-colour image becomes (c/255 - mean)/std, then an embedding', async () => {
    const processor = await AutoProcessor.from_pretrained(MODEL_ID, LOAD);
    const model = await CLIPVisionModelWithProjection.from_pretrained(MODEL_ID, LOAD);
    const [w, h] = [48, 40];
    const rgb = [200, 100, 30];
    const data = new Uint8ClampedArray(w * h * 3);
    for (let i = 0; i < w * h; i++) data.set(rgb, 3 * i);
    const { pixel_values } = await processor(new RawImage(data, w, h, 3));
    expect(pixel_values.dims).toEqual([1, 3, 32, 32]);
    const pixels = pixel_values.data as Float32Array;
    for (let c = 0; c < 3; c++) {
      const expected = (rgb[c]! / 255 - CLIP_IMAGE_MEAN[c]!) / CLIP_IMAGE_STD[c]!;
      expect(pixels[c * 32 * 32 + 517]).toBeCloseTo(expected, 4);
    }
    const { image_embeds, last_hidden_state } = await model({ pixel_values });
    expect(image_embeds.dims).toEqual([1, 16]);
    expect(last_hidden_state.dims).toEqual([1, 17, 32]);
    expect(Array.from(image_embeds.data as Float32Array).every(Number.isFinite)).toBe(true);
    await model.dispose();
  });
});
