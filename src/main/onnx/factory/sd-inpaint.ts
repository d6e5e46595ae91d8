import type { ModelProto } from '../index';
import { buildClipTextModel } from './clip-text';
import { buildClipTokenizerFiles } from './clip-tokenizer';
import { writeFolderFile, writeJsonFiles } from './files';
import { buildInpaintUnet, UnetOptions } from './sd-unet';
import { buildVaeDecoder, buildVaeEncoder, VaeOptions } from './sd-vae';

export interface TinySdInpaintOptions {
  seed?: number;
  /** Pixel side; the latent side is imageSize/8 with the default 4-level VAE. */
  imageSize?: number;
  /** Text-encoder width = UNet cross-attention width (SD-2: 1024). */
  textWidth?: number;
  textLayers?: number;
  textHeads?: number;
  unet?: Omit<UnetOptions, 'seed' | 'latentSize' | 'crossAttentionDim'>;
  vae?: Omit<VaeOptions, 'seed' | 'imageSize'>;
}

export interface TinySdInpaint {
  textEncoder: ModelProto;
  unet: ModelProto;
  vaeEncoder: ModelProto;
  vaeDecoder: ModelProto;
  jsonFiles: Record<string, unknown>;
}

export const VAE_SCALING_FACTOR = 0.18215;

/** stabilityai/stable-diffusion-2-inpainting's scheduler settings. */
export const SD2_INPAINT_SCHEDULER = {
  _class_name: 'PNDMScheduler',
  _diffusers_version: '0.8.0',
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  clip_sample: false,
  num_train_timesteps: 1000,
  prediction_type: 'epsilon',
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
};

/** diffusers' model_index.json of an ONNX SD inpainting export. */
export const SD_INPAINT_MODEL_INDEX = {
  _class_name: 'OnnxStableDiffusionInpaintPipeline',
  _diffusers_version: '0.8.0',
  feature_extractor: [null, null],
  requires_safety_checker: false,
  safety_checker: [null, null],
  scheduler: ['diffusers', 'PNDMScheduler'],
  text_encoder: ['diffusers', 'OnnxRuntimeModel'],
  tokenizer: ['transformers', 'CLIPTokenizer'],
  unet: ['diffusers', 'OnnxRuntimeModel'],
  vae_decoder: ['diffusers', 'OnnxRuntimeModel'],
  vae_encoder: ['diffusers', 'OnnxRuntimeModel'],
};

/** Tiny random Stable-Diffusion-2-inpainting parts in the diffusers/Optimum ONNX folder layout. */
export function buildTinySdInpaint(opts: TinySdInpaintOptions = {}): TinySdInpaint {
  const seed = opts.seed ?? 0;
  const imageSize = opts.imageSize ?? 64;
  const textWidth = opts.textWidth ?? 32;
  const vaeLevels = opts.vae?.channels?.length ?? 4;
  const latentSize = imageSize / 2 ** (vaeLevels - 1);
  // SD-2's OpenCLIP tokenizer pads with "!" (id 0) rather than <|endoftext|>.
  const tok = buildClipTokenizerFiles({ padToken: '!' });
  const textEncoder = buildClipTextModel({
    seed,
    vocabSize: tok.vocabSize,
    width: textWidth,
    heads: opts.textHeads ?? 2,
    layers: opts.textLayers ?? 2,
    idsType: 'int32',
    flavour: 'sd',
    sequenceLength: 77,
  });
  const unet = buildInpaintUnet({ ...opts.unet, seed: seed + 1, latentSize, crossAttentionDim: textWidth });
  const vaeEncoder = buildVaeEncoder({ ...opts.vae, seed: seed + 2, imageSize });
  const vaeDecoder = buildVaeDecoder({ ...opts.vae, seed: seed + 3, imageSize });
  const vaeConfig = { _class_name: 'AutoencoderKL', latent_channels: 4, sample_size: imageSize, scaling_factor: VAE_SCALING_FACTOR, encoder_output: 'posterior mean' };
  const jsonFiles: Record<string, unknown> = {
    'model_index.json': SD_INPAINT_MODEL_INDEX,
    'scheduler/scheduler_config.json': SD2_INPAINT_SCHEDULER,
    'unet/config.json': { _class_name: 'UNet2DConditionModel', in_channels: 9, out_channels: 4, sample_size: latentSize, cross_attention_dim: textWidth },
    'vae_encoder/config.json': vaeConfig,
    'vae_decoder/config.json': vaeConfig,
    'text_encoder/config.json': { model_type: 'clip_text_model', hidden_size: textWidth, vocab_size: tok.vocabSize, max_position_embeddings: 77 },
  };
  for (const [name, content] of Object.entries(tok.files)) jsonFiles[`tokenizer/${name}`] = content;
  return { textEncoder, unet, vaeEncoder, vaeDecoder, jsonFiles };
}

export function writeTinySdInpaint(dir: string, opts: TinySdInpaintOptions = {}): TinySdInpaint {
  const sd = buildTinySdInpaint(opts);
  writeJsonFiles(dir, sd.jsonFiles);
  writeFolderFile(dir, 'text_encoder/model.onnx', sd.textEncoder, 'onnx');
  writeFolderFile(dir, 'unet/model.onnx', sd.unet, 'onnx');
  writeFolderFile(dir, 'vae_encoder/model.onnx', sd.vaeEncoder, 'onnx');
  writeFolderFile(dir, 'vae_decoder/model.onnx', sd.vaeDecoder, 'onnx');
  return sd;
}
