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
import { clipTowerFiles } from './clip-layout';
import type { OnnxDtype } from '../../models/dtype-variants';
import { float32ToFloat16Array } from '../../onnx/float16';

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
   * Which precision of both towers to load, by transformers.js' file suffixes (models/dtype-variants.ts): 'fp32'
   * (onnx/*_model.onnx), 'fp16' (onnx/*_model_fp16.onnx), 'q8' (onnx/*_model_quantized.onnx), … An error names the
   * file when that variant is not there. Default: per tower, the CPU's preferred variant present (fp32, fp16, q8, …).
   */
  dtype?: OnnxDtype;
}

type OutputTensor = { type: string; data: Float32Array | Uint16Array; dims: number[]; to(type: 'float32'): { data: Float32Array } };
type Model = ((inputs: Record<string, unknown>) => Promise<Record<string, OutputTensor>>) & {
  dispose(): Promise<unknown>;
  sessions: Record<string, { inputMetadata?: readonly { name: string; isTensor: boolean; type?: string }[] }>;
};

/** Points transformers.js at the folder's parent and forbids any hub access; `dtype` picks the file it opens. */
function localOnly(modelDir: string, device: string, dtype: OnnxDtype): { id: string; opts: Record<string, unknown> } {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(modelDir);
  return { id: basename(modelDir), opts: { local_files_only: true, dtype, device } };
}

/** Embeddings as float32: a float16 output (an fp16 export that does not keep float32 IO) is widened. */
function float32Data(t: OutputTensor): Float32Array {
  return t.type === 'float16' ? Float32Array.from(t.to('float32').data) : Float32Array.from(t.data);
}

/** Whether the session (transformers.js keeps it as sessions.model) declares `name` float16, as Optimum's --fp16 does. */
function wantsFloat16(model: Model, name: string): boolean {
  return Object.values(model.sessions).some((s) => s.inputMetadata?.some((m) => m.name === name && m.isTensor && m.type === 'float16'));
}

/** CLIP through @huggingface/transformers (CLIPVisionModelWithProjection / CLIPTextModelWithProjection), offline. */
export async function createTransformersClipEncoder(o: TransformersClipEncoderOptions): Promise<ClipEncoder> {
  const device = o.device ?? 'cpu';
  const files = clipTowerFiles(o.modelDir, o.dtype);
  if (files.layout !== 'split') throw new Error(`${o.modelDir}: transformers.js runs CLIP's split towers; this folder holds the single ${files.model}`);
  const { id, opts } = localOnly(o.modelDir, device, files.visionDtype);
  const config = JSON.parse(readFileSync(join(o.modelDir, 'config.json'), 'utf8')) as {
    projection_dim?: number;
    vision_config?: { image_size?: number };
  };
  const dim = config.projection_dim;
  if (typeof dim !== 'number') throw new Error(`${o.modelDir}/config.json has no projection_dim`);
  const size = config.vision_config?.image_size ?? 224;
  const vision = (await CLIPVisionModelWithProjection.from_pretrained(id, opts)) as unknown as Model;
  const halfPixels = wantsFloat16(vision, 'pixel_values');
  const prepName = o.preprocessing ?? 'processor';
  const processor = prepName === 'processor' ? await AutoProcessor.from_pretrained(id, opts) : undefined;
  // The file transformers.js opened for this dtype (its suffix mapping is dtype-variants.ts'), so cached features
  // of one precision are never served for another.
  const modelSha256 = await sha256OfModelFile(files.vision);
  // Our sharp pipelines normalise with the folder's own mean/std, as the processor does.
  const preprocessorFile = join(o.modelDir, 'preprocessor_config.json');
  const norm = normalisationOf(existsSync(preprocessorFile) ? JSON.parse(readFileSync(preprocessorFile, 'utf8')) : undefined);
  const prep = prepName === 'processor' ? `transformers-processor-${size}` : preprocessingKey(prepName, size, norm);
  const batchSize = o.batchSize ?? 32;
  const runs = { vision: 0, text: 0 };
  let textKey: Promise<string> | undefined;
  let text: { model: Model; tokenize: Awaited<ReturnType<typeof loadLocalTokenizer>> } | undefined;

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
    const pixels = (await pixelValues(images)) as { data: Float32Array; dims: number[] };
    const pixel_values = halfPixels ? new Tensor('float16', float32ToFloat16Array(pixels.data), pixels.dims) : pixels;
    runs.vision++;
    const out = await vision({ pixel_values });
    return float32Data(out.image_embeds!);
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
          const local = localOnly(o.modelDir, device, files.textDtype);
          const model = (await CLIPTextModelWithProjection.from_pretrained(local.id, local.opts)) as unknown as Model;
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
          out.set(float32Data(res.text_embeds!), start * dim);
        }
        return out;
      };
      if (!o.textCache) return encode(texts);
      textKey ??= textEncoderKey(files.text, o.modelDir);
      const key = textKey;
      return encodeTextsCached(texts, { ...o.textCache, dim, modelKey: () => key, encode });
    },
    async release(): Promise<void> {
      await vision.dispose();
      await text?.model.dispose();
    },
  };
}
