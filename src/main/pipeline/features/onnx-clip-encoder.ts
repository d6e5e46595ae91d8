import * as ort from 'onnxruntime-node';
import { createSession, extractOutputs, loadModel, type ProviderName, type SessionHandle } from '../../onnx';
import { encodeImagesCached } from './cached-image-encoding';
import type { ClipEncoder, ImageInput, ProgressCallback } from './clip-encoder';
import { CLIP_NORMALISATION, preprocessingKey, preprocessInto, type ChannelNormalisation, type ClipPreprocessing } from './clip-preprocess';
import type { FeatureCache } from './feature-cache';
import { sha256OfModelFile } from './model-hash';
import { loadLocalTokenizer, type TextTokenizer } from './tokenize';
import { encodeTextsCached, textEncoderKey, type TextCacheUse } from './cached-text-encoding';

export interface OnnxClipEncoderOptions {
  /**
   * ONNX file taking `pixel_values` [B,3,S,S] and giving `image_embeds` [B,D] (Optimum's vision_model.onnx).
   * float16 exports work too: createSession widens them on the CPU and converts inputs and outputs.
   */
  visionModelPath?: string;
  /** ONNX file taking `input_ids` (and optionally `attention_mask`) and giving `text_embeds`. */
  textModelPath?: string;
  /**
   * Instead of the two tower files: Optimum's single CLIPModel export (onnx/model.onnx). Each tower is cut out of it
   * (the nodes its embeds depend on) and run alone, so a text batch needs no image and an image batch no text.
   */
  combinedModelPath?: string;
  /** Folder with tokenizer.json + tokenizer_config.json, or vocab.json + merges.txt; needed for encodeTexts. */
  tokenizerDir?: string;
  preprocessing?: ClipPreprocessing;
  /** Mean/std after scaling to [0,1]; CLIP's by default (pass the folder's preprocessor_config.json values). */
  normalisation?: ChannelNormalisation;
  /** Input side; default the model's fixed pixel_values size, else 224. */
  imageSize?: number;
  batchSize?: number;
  cache?: FeatureCache;
  /** The per-user text-feature cache: texts it holds for this text tower and tokenizer are not encoded again. */
  textCache?: TextCacheUse;
  providers?: ProviderName[];
  intraOpNumThreads?: number;
}

function tensorMeta(meta: readonly ort.InferenceSession.ValueMetadata[], name: string): ort.InferenceSession.TensorValueMetadata | undefined {
  const m = meta.find((x) => x.name === name);
  return m && m.isTensor ? m : undefined;
}

function pickName(names: readonly string[], preferred: string, file: string): string {
  if (names.includes(preferred)) return preferred;
  if (names.length === 1) return names[0]!;
  throw new Error(`${file}: no '${preferred}' among [${names.join(', ')}]`);
}

/** CLIP from bare ONNX files run by onnxruntime-node, with our sharp preprocessing (clip-preprocess.ts). */
export async function createOnnxClipEncoder(o: OnnxClipEncoderOptions): Promise<ClipEncoder> {
  const sessionOpts = { providers: o.providers, intraOpNumThreads: o.intraOpNumThreads };
  const combined = o.combinedModelPath ? loadModel(o.combinedModelPath) : undefined;
  const visionFile = o.combinedModelPath ?? o.visionModelPath;
  if (!visionFile) throw new Error('createOnnxClipEncoder needs visionModelPath or combinedModelPath');
  const vision = await createSession(combined ? extractOutputs(combined, ['image_embeds']) : visionFile, sessionOpts);
  const inputName = pickName(vision.session.inputNames, 'pixel_values', visionFile);
  const outputName = pickName(vision.session.outputNames, 'image_embeds', visionFile);
  const inShape = tensorMeta(vision.session.inputMetadata, inputName)?.shape ?? [];
  const outShape = tensorMeta(vision.session.outputMetadata, outputName)?.shape ?? [];
  const dim = outShape[outShape.length - 1];
  if (typeof dim !== 'number') throw new Error(`${visionFile}: output '${outputName}' has no fixed feature size`);
  const fixedSide = inShape[3];
  const size = o.imageSize ?? (typeof fixedSide === 'number' ? fixedSide : 224);
  const prepName = o.preprocessing ?? 'clip';
  const norm = o.normalisation ?? CLIP_NORMALISATION;
  const prep = preprocessingKey(prepName, size, norm);
  const modelSha256 = await sha256OfModelFile(visionFile);
  const batchSize = o.batchSize ?? 32;

  let text: { handle: SessionHandle; tokenizer: TextTokenizer } | undefined;
  const runs = { vision: 0, text: 0 };
  let textKey: Promise<string> | undefined;

  const encodeBatch = async (images: Buffer[]): Promise<Float32Array> => {
    const plane = 3 * size * size;
    const pixels = new Float32Array(images.length * plane);
    for (let i = 0; i < images.length; i++) await preprocessInto(images[i]!, prepName, size, pixels, i * plane, norm);
    runs.vision++;
    const out = await vision.run({ [inputName]: new ort.Tensor('float32', pixels, [images.length, 3, size, size]) });
    return out[outputName]!.data as Float32Array;
  };

  return {
    dim,
    modelSha256,
    prep,
    runs,
    encodeImages: (images: ImageInput[], onProgress?: ProgressCallback) =>
      encodeImagesCached(images, { dim, modelSha256, prep, batchSize, cache: o.cache, encodeBatch }, onProgress),
    async encodeTexts(texts: string[]): Promise<Float32Array> {
      const textModelPath = o.combinedModelPath ?? o.textModelPath;
      const tokenizerDir = o.tokenizerDir;
      if (!textModelPath || !tokenizerDir) throw new Error('encodeTexts needs textModelPath (or combinedModelPath) and tokenizerDir');
      const encode = async (batchTexts: string[]): Promise<Float32Array> => {
        text ??= { handle: await createSession(combined ? extractOutputs(combined, ['text_embeds']) : textModelPath, sessionOpts), tokenizer: await loadLocalTokenizer(tokenizerDir) };
        const out = new Float32Array(batchTexts.length * dim);
        for (let start = 0; start < batchTexts.length; start += batchSize) {
          const chunk = batchTexts.slice(start, start + batchSize);
          out.set(await runTextBatch(text.handle, text.tokenizer, chunk, dim), start * dim);
          runs.text++;
        }
        return out;
      };
      if (!o.textCache) return encode(texts);
      textKey ??= textEncoderKey(textModelPath, tokenizerDir);
      const key = textKey;
      return encodeTextsCached(texts, { ...o.textCache, dim, modelKey: () => key, encode });
    },
    async release(): Promise<void> {
      await vision.release();
      await text?.handle.release();
    },
  };
}

async function runTextBatch(handle: SessionHandle, tokenizer: TextTokenizer, texts: string[], dim: number): Promise<Float32Array> {
  const tok = tokenizer(texts);
  const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', tok.inputIds, [tok.batch, tok.length]) };
  if (handle.session.inputNames.includes('attention_mask')) {
    feeds.attention_mask = new ort.Tensor('int64', tok.attentionMask, [tok.batch, tok.length]);
  }
  const out = await handle.run(feeds);
  const embeds = out[pickName(handle.session.outputNames, 'text_embeds', 'text model')]!.data as Float32Array;
  if (embeds.length !== texts.length * dim) throw new Error(`text model gives ${embeds.length / texts.length} values per text, the vision model ${dim}`);
  return embeds;
}
