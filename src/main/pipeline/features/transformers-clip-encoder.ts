import {
  AutoProcessor,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  env,
  RawImage,
  Tensor,
} from '@huggingface/transformers';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { encodeImagesCached } from './cached-image-encoding';
import type { ClipEncoder, ImageInput, ProgressCallback } from './clip-encoder';
import { normalisationOf, preprocessingKey, preprocessInto, type ClipPreprocessing } from './clip-preprocess';
import type { FeatureCache } from './feature-cache';
import { sha256OfModelFile } from './model-hash';
import { loadLocalTokenizer } from './tokenize';
import { encodeTextsCached, textEncoderKey, type TextCacheUse } from './cached-text-encoding';

/**
 * 'processor' = transformers.js's own CLIPImageProcessor from preprocessor_config.json; 'clip' and 'neglabel'
 * = our sharp pipelines (clip-preprocess.ts), so both backends can be fed identical pixels.
 */
export type TransformersPreprocessing = ClipPreprocessing | 'processor';

export interface TransformersClipEncoderOptions {
  /** A local transformers.js / Optimum CLIP folder: config.json, tokenizer files, preprocessor_config.json, onnx/*.onnx. */
  modelDir: string;
  preprocessing?: TransformersPreprocessing;
  batchSize?: number;
  cache?: FeatureCache;
  /** The per-user text-feature cache: texts it holds for this text tower and tokenizer are not encoded again. */
  textCache?: TextCacheUse;
  /** transformers.js device; default 'cpu'. */
  device?: 'cpu' | 'cuda' | 'webgpu';
  /**
   * Which export to load, by transformers.js' file suffixes: 'fp32' (onnx/*_model.onnx, default), 'fp16'
   * (onnx/*_model_fp16.onnx, Optimum --fp16) or 'q8' (onnx/*_model_quantized.onnx, dynamic int8 quantization).
   */
  dtype?: TransformersDtype;
}

export type TransformersDtype = 'fp32' | 'fp16' | 'q8';

/** transformers.js' file name for a tower in a dtype (its DEFAULT_DTYPE_SUFFIX_MAPPING). */
export function towerFile(tower: 'text' | 'vision', dtype: TransformersDtype): string {
  return `${tower}_model${{ fp32: '', fp16: '_fp16', q8: '_quantized' }[dtype]}.onnx`;
}

type Model = (inputs: Record<string, unknown>) => Promise<Record<string, { data: Float32Array; dims: number[] }>>;

/** Points transformers.js at the folder's parent and forbids any hub access. */
function localOnly(modelDir: string, device: string, dtype: TransformersDtype): { id: string; opts: Record<string, unknown> } {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(modelDir);
  return { id: basename(modelDir), opts: { local_files_only: true, dtype, device } };
}

/** CLIP through @huggingface/transformers (CLIPVisionModelWithProjection / CLIPTextModelWithProjection), offline. */
export async function createTransformersClipEncoder(o: TransformersClipEncoderOptions): Promise<ClipEncoder> {
  const device = o.device ?? 'cpu';
  const dtype = o.dtype ?? 'fp32';
  const { id, opts } = localOnly(o.modelDir, device, dtype);
  const config = JSON.parse(readFileSync(join(o.modelDir, 'config.json'), 'utf8')) as {
    projection_dim?: number;
    vision_config?: { image_size?: number };
  };
  const dim = config.projection_dim;
  if (typeof dim !== 'number') throw new Error(`${o.modelDir}/config.json has no projection_dim`);
  const size = config.vision_config?.image_size ?? 224;
  const vision = (await CLIPVisionModelWithProjection.from_pretrained(id, opts)) as unknown as Model & { dispose(): Promise<unknown> };
  const prepName = o.preprocessing ?? 'processor';
  const processor = prepName === 'processor' ? await AutoProcessor.from_pretrained(id, opts) : undefined;
  const modelSha256 = await sha256OfModelFile(join(o.modelDir, 'onnx', towerFile('vision', dtype)));
  // Our sharp pipelines normalise with the folder's own mean/std, as the processor does.
  const preprocessorFile = join(o.modelDir, 'preprocessor_config.json');
  const norm = normalisationOf(existsSync(preprocessorFile) ? JSON.parse(readFileSync(preprocessorFile, 'utf8')) : undefined);
  const prep = prepName === 'processor' ? `transformers-processor-${size}` : preprocessingKey(prepName, size, norm);
  const batchSize = o.batchSize ?? 32;
  const runs = { vision: 0, text: 0 };
  let textKey: Promise<string> | undefined;
  let text: { model: Model & { dispose(): Promise<unknown> }; tokenize: Awaited<ReturnType<typeof loadLocalTokenizer>> } | undefined;

  const pixelValues = async (images: Buffer[]): Promise<unknown> => {
    if (processor) {
      const raw = await Promise.all(images.map((b) => RawImage.fromBlob(new Blob([new Uint8Array(b)]))));
      return ((await processor(raw)) as { pixel_values: unknown }).pixel_values;
    }
    const plane = 3 * size * size;
    const data = new Float32Array(images.length * plane);
    for (let i = 0; i < images.length; i++) await preprocessInto(images[i]!, prepName as ClipPreprocessing, size, data, i * plane, norm);
    return new Tensor('float32', data, [images.length, 3, size, size]);
  };

  const encodeBatch = async (images: Buffer[]): Promise<Float32Array> => {
    const pixel_values = await pixelValues(images);
    runs.vision++;
    const out = await vision({ pixel_values });
    return Float32Array.from(out.image_embeds!.data);
  };

  return {
    dim,
    modelSha256,
    prep,
    runs,
    encodeImages: (images: ImageInput[], onProgress?: ProgressCallback) =>
      encodeImagesCached(images, { dim, modelSha256, prep, batchSize, cache: o.cache, encodeBatch }, onProgress),
    async encodeTexts(texts: string[]): Promise<Float32Array> {
      const encode = async (batchTexts: string[]): Promise<Float32Array> => {
        if (!text) {
          const local = localOnly(o.modelDir, device, dtype);
          const model = (await CLIPTextModelWithProjection.from_pretrained(local.id, local.opts)) as unknown as Model & { dispose(): Promise<unknown> };
          text = { model, tokenize: await loadLocalTokenizer(o.modelDir) };
        }
        const out = new Float32Array(batchTexts.length * dim);
        for (let start = 0; start < batchTexts.length; start += batchSize) {
          const tok = text.tokenize(batchTexts.slice(start, start + batchSize));
          runs.text++;
          const res = await text.model({
            input_ids: new Tensor('int64', tok.inputIds, [tok.batch, tok.length]),
            attention_mask: new Tensor('int64', tok.attentionMask, [tok.batch, tok.length]),
          });
          out.set(res.text_embeds!.data, start * dim);
        }
        return out;
      };
      if (!o.textCache) return encode(texts);
      textKey ??= textEncoderKey(join(o.modelDir, 'onnx', towerFile('text', dtype)), o.modelDir);
      const key = textKey;
      return encodeTextsCached(texts, { ...o.textCache, dim, modelKey: () => key, encode });
    },
    async release(): Promise<void> {
      await vision.dispose();
      await text?.model.dispose();
    },
  };
}
