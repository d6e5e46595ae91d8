import { AutoProcessor, AutoTokenizer, CLIPTextModelWithProjection, CLIPVisionModelWithProjection, RawImage, type Tensor } from '@huggingface/transformers';
import { writeTinyClip } from '../../src/main/onnx/factory';
import type { ClipFeatures } from '../../src/main/pipeline/features/clip-encoder';
import { offlineModelPath } from '../../src/main/pipeline/describe/transformers-offline';

/** The factory's tiny random CLIP behind the ClipEncoder interface, run by transformers.js from its folder. */
export async function tinyClipEncoder(dir: string, seed: number): Promise<ClipFeatures & { release(): Promise<void> }> {
  const clip = writeTinyClip(dir, { seed });
  const path = offlineModelPath(dir);
  const opts = { local_files_only: true, dtype: 'fp32', device: 'cpu' } as const;
  const tokenizer = await AutoTokenizer.from_pretrained(path, { local_files_only: true });
  const processor = await AutoProcessor.from_pretrained(path, { local_files_only: true });
  const text = await CLIPTextModelWithProjection.from_pretrained(path, opts);
  const vision = await CLIPVisionModelWithProjection.from_pretrained(path, opts);
  const dim = (clip.jsonFiles['config.json'] as { projection_dim: number }).projection_dim;
  return {
    dim,
    async encodeTexts(texts) {
      const out = await text(tokenizer(texts, { padding: true, truncation: true }));
      return (out.text_embeds as Tensor).data as Float32Array;
    },
    async encodeImages(paths) {
      const images = await Promise.all(paths.map((p) => (typeof p === 'string' ? RawImage.read(p) : RawImage.fromBlob(new Blob([new Uint8Array(p)])))));
      const out = await vision(await processor(images));
      return (out.image_embeds as Tensor).data as Float32Array;
    },
    async release() {
      await text.dispose();
      await vision.dispose();
    },
  };
}
