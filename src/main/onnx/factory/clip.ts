import type { ModelProto } from '../index';
import { buildClipTextModel } from './clip-text';
import { buildClipTokenizerFiles, ClipTokenizerOptions } from './clip-tokenizer';
import { buildClipVisionModel } from './clip-vision';
import { writeFolderFile, writeJsonFiles } from './files';
import { quantizeDynamicInt8 } from './quantize';
import { combineClipTowers } from './clip-combined';
import { toFloat16 } from './to-float16';
import { toFloat16KeepIo } from './to-float16-keep-io';

export interface TinyClipOptions {
  seed?: number;
  /** Vision input side; the processor resizes and crops to it (CLIP itself uses 224). */
  imageSize?: number;
  patchSize?: number;
  width?: number;
  heads?: number;
  layers?: number;
  projectionDim?: number;
  /** Whether text_model.onnx also takes attention_mask. */
  attentionMask?: boolean;
  tokenizer?: ClipTokenizerOptions;
  /** Also write transformers.js' q8 variants (onnx/*_model_quantized.onnx: onnxruntime's dynamic int8 quantization). */
  quantized?: boolean;
  /** 'single': Optimum's one CLIPModel file, onnx/model.onnx, instead of the two towers (implies attentionMask). */
  layout?: 'split' | 'single';
  /** 'fp16': the single file converted as Optimum's --fp16 does (float16 weights, inputs and outputs). */
  precision?: 'fp32' | 'fp16';
  /**
   * Split layout: the precisions of each tower to write, by transformers.js' file names (default fp32, plus q8 with
   * `quantized`): 'fp16' → onnx/*_model_fp16.onnx as transformers.js converts it (float32 IO, `toFloat16KeepIo`),
   * 'q8' → onnx/*_model_quantized.onnx. A list without 'fp32' leaves only the variants, as some repositories ship.
   */
  variants?: SplitVariant[];
}

export type SplitVariant = 'fp32' | 'fp16' | 'q8';

const SPLIT_VARIANT: Record<SplitVariant, { suffix: string; convert: (m: ModelProto) => ModelProto }> = {
  fp32: { suffix: '', convert: (m) => m },
  fp16: { suffix: '_fp16', convert: toFloat16KeepIo },
  q8: { suffix: '_quantized', convert: quantizeDynamicInt8 },
};

export interface TinyClip {
  textModel: ModelProto;
  visionModel: ModelProto;
  /** Everything else in the folder (config, tokenizer, preprocessor), by relative path. */
  jsonFiles: Record<string, unknown>;
}

export const CLIP_IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_IMAGE_STD = [0.26862954, 0.26130258, 0.27577711];

/** Tiny random CLIP with the file layout and tensor names of a transformers.js (Optimum-exported) CLIP repo. */
export function buildTinyClip(opts: TinyClipOptions = {}): TinyClip {
  const seed = opts.seed ?? 0;
  const width = opts.width ?? 32;
  const heads = opts.heads ?? 2;
  const layers = opts.layers ?? 2;
  const projectionDim = opts.projectionDim ?? 16;
  const imageSize = opts.imageSize ?? 32;
  const patchSize = opts.patchSize ?? 8;
  const tok = buildClipTokenizerFiles(opts.tokenizer);
  // Distinct seeds per tower so the two weight sets are independent draws.
  const textModel = buildClipTextModel({ seed, vocabSize: tok.vocabSize, width, heads, layers, projectionDim, attentionMask: opts.attentionMask });
  const visionModel = buildClipVisionModel({ seed: seed + 1, imageSize, patchSize, width, heads, layers, projectionDim });
  const common = { hidden_size: width, intermediate_size: 4 * width, num_attention_heads: heads, num_hidden_layers: layers, hidden_act: 'gelu', layer_norm_eps: 1e-5, projection_dim: projectionDim };
  const config = {
    _name_or_path: 'synood/tiny-random-clip',
    architectures: ['CLIPModel'],
    model_type: 'clip',
    projection_dim: projectionDim,
    logit_scale_init_value: 2.6592,
    text_config: { model_type: 'clip_text_model', vocab_size: tok.vocabSize, max_position_embeddings: 77, bos_token_id: tok.bosId, eos_token_id: tok.eosId, pad_token_id: tok.padId, ...common },
    vision_config: { model_type: 'clip_vision_model', image_size: imageSize, patch_size: patchSize, num_channels: 3, ...common },
  };
  const preprocessor = clipPreprocessorConfig(imageSize, CLIP_IMAGE_MEAN, CLIP_IMAGE_STD);
  return { textModel, visionModel, jsonFiles: { 'config.json': config, 'preprocessor_config.json': preprocessor, ...tok.files } };
}

/** Writes the folder: config.json, tokenizer files, preprocessor_config.json, onnx/text_model.onnx, onnx/vision_model.onnx (or their `variants`). */
export function writeTinyClip(dir: string, opts: TinyClipOptions = {}): TinyClip {
  const single = opts.layout === 'single';
  const clip = buildTinyClip(single ? { ...opts, attentionMask: true } : opts);
  writeJsonFiles(dir, clip.jsonFiles);
  if (single) {
    const combined = combineClipTowers(clip.textModel, clip.visionModel);
    writeFolderFile(dir, 'onnx/model.onnx', opts.precision === 'fp16' ? toFloat16(combined) : combined, 'onnx');
    return clip;
  }
  for (const variant of opts.variants ?? (opts.quantized ? ['fp32', 'q8'] : ['fp32'])) {
    const { suffix, convert } = SPLIT_VARIANT[variant];
    writeFolderFile(dir, `onnx/text_model${suffix}.onnx`, convert(clip.textModel), 'onnx');
    writeFolderFile(dir, `onnx/vision_model${suffix}.onnx`, convert(clip.visionModel), 'onnx');
  }
  return clip;
}

/** transformers.js' preprocessor_config.json of a CLIP export: resize the short edge, centre-crop, rescale, normalise. */
export function clipPreprocessorConfig(imageSize: number, imageMean: readonly number[], imageStd: readonly number[]): Record<string, unknown> {
  return {
    crop_size: { height: imageSize, width: imageSize },
    do_center_crop: true,
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    feature_extractor_type: 'CLIPFeatureExtractor',
    image_mean: imageMean,
    image_std: imageStd,
    image_processor_type: 'CLIPImageProcessor',
    resample: 3,
    rescale_factor: 1 / 255,
    size: { shortest_edge: imageSize },
  };
}
