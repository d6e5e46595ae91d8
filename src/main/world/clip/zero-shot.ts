import * as ort from 'onnxruntime-node';
import { createSession, type ModelProto } from '../../onnx';
import { IND_CLASS_NAMES } from '../catalogue';
import { normalisedBatch } from '../classifier/pixels';
import { WORLD_IMAGE_SIZE } from '../scene';
import type { WorldImage } from '../splits';
import { MAX_TOKENS, tokenize } from './tokenizer';
import { CLIP_EMBED_DIM } from './towers';

function normalise(rows: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(rows.length);
  for (let r = 0; r < rows.length / dim; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += rows[r * dim + j]! ** 2;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let j = 0; j < dim; j++) out[r * dim + j] = rows[r * dim + j]! * inv;
  }
  return out;
}

/** L2-normalised text embeddings [n, E]. */
export async function embedTexts(textModel: ModelProto, texts: readonly string[]): Promise<Float32Array> {
  const h = await createSession(textModel, { providers: ['cpu'] });
  try {
    const t = tokenize(texts);
    const out = await h.run({ input_ids: new ort.Tensor('int64', t.ids, [texts.length, MAX_TOKENS]), token_mask: new ort.Tensor('float32', t.mask, [texts.length, MAX_TOKENS, 1]) });
    return normalise(out.text_embeds!.data as Float32Array, CLIP_EMBED_DIM);
  } finally {
    await h.release();
  }
}

/** L2-normalised image embeddings [n, E]. */
export async function embedImages(imageModel: ModelProto, images: readonly WorldImage[]): Promise<Float32Array> {
  const h = await createSession(imageModel, { providers: ['cpu'] });
  const out = new Float32Array(images.length * CLIP_EMBED_DIM);
  try {
    const pixels = images.map((i) => i.pixels);
    for (let start = 0; start < images.length; start += 100) {
      const rows = Array.from({ length: Math.min(100, images.length - start) }, (_, i) => start + i);
      const r = await h.run({ input: new ort.Tensor('float32', normalisedBatch(pixels, rows), [rows.length, 3, WORLD_IMAGE_SIZE, WORLD_IMAGE_SIZE]) });
      out.set(r.logits!.data as Float32Array, start * CLIP_EMBED_DIM);
    }
  } finally {
    await h.release();
  }
  return normalise(out, CLIP_EMBED_DIM);
}

/** Zero-shot InD accuracy: each InD image's nearest prompt "a photo of a {class}" among the 10 InD classes. */
export async function zeroShotAccuracy(imageModel: ModelProto, textModel: ModelProto, images: readonly WorldImage[]): Promise<number> {
  const text = await embedTexts(textModel, IND_CLASS_NAMES.map((n) => `a photo of a ${n}`));
  const img = await embedImages(imageModel, images);
  const c = IND_CLASS_NAMES.length;
  let hits = 0;
  images.forEach((image, r) => {
    let best = 0;
    let bestSim = -Infinity;
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let j = 0; j < CLIP_EMBED_DIM; j++) s += img[r * CLIP_EMBED_DIM + j]! * text[k * CLIP_EMBED_DIM + j]!;
      if (s > bestSim) [best, bestSim] = [k, s];
    }
    if (best === image.indClass) hits++;
  });
  return hits / images.length;
}
