/**
 * The folders bench/real-stages.bench.ts imports and runs, each at real size (random weights) or, as the same-run
 * reference, the same layout at reduced width. Every folder is the real export layout the import contract checks
 * (docs/REAL-LAYOUTS.md); the weights come from the project's ONNX factory, except ResNet-50, which torch exports.
 *
 * One part is built and written at a time, and then dropped, so a generation child holds one model's weights at
 * once (the SD-2 UNet alone is ~3.3 GB of float32).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { ModelProto } from '../../src/main/onnx';
import {
  buildClipTextModel,
  buildClipTokenizerFiles,
  buildClipVisionModel,
  buildInpaintUnet,
  buildVaeDecoder,
  buildVaeEncoder,
  combineClipTowers,
  SD2_INPAINT_SCHEDULER,
  SD2_UNET_SHAPES,
  SD_VAE_SHAPES,
  VAE_SCALING_FACTOR,
} from '../../src/main/onnx/factory';
import { CLIP_IMAGE_MEAN, CLIP_IMAGE_STD, clipPreprocessorConfig } from '../../src/main/onnx/factory/clip';
import { writeFolderFile, writeJsonFiles } from '../../src/main/onnx/factory/files';
import { SD_INPAINT_MODEL_INDEX } from '../../src/main/onnx/factory/sd-inpaint';
import { externalise } from '../real-shape-parts';

export type Preset = 'real' | 'reduced';

interface Tower {
  width: number;
  heads: number;
  layers: number;
}

/** openai/clip-vit-base-patch16; `reduced` keeps the image size, patch size and vocabulary, narrows and shortens the towers. */
export const CLIP_B16: Record<Preset, { vision: Tower; text: Tower; projection: number; imageSize: number; patchSize: number; vocabRows: number }> = {
  real: { vision: { width: 768, heads: 12, layers: 12 }, text: { width: 512, heads: 8, layers: 12 }, projection: 512, imageSize: 224, patchSize: 16, vocabRows: 49408 },
  reduced: { vision: { width: 32, heads: 2, layers: 2 }, text: { width: 32, heads: 2, layers: 2 }, projection: 16, imageSize: 224, patchSize: 16, vocabRows: 49408 },
};

/** stabilityai/stable-diffusion-2-inpainting: OpenCLIP ViT-H text encoder, SD-2 UNet (2 blocks per level), SD VAE, 512 px. */
export const SD2: Record<Preset, { text: Tower; vocabRows: number; imageSize: number; unet: typeof SD2_UNET_SHAPES; vae: typeof SD_VAE_SHAPES }> = {
  real: { text: { width: 1024, heads: 16, layers: 23 }, vocabRows: 49408, imageSize: 512, unet: { ...SD2_UNET_SHAPES, layersPerBlock: 2 }, vae: SD_VAE_SHAPES },
  // The factory's tiny defaults, as the tests' SD fixtures (writeTinySdInpaint).
  reduced: { text: { width: 32, heads: 2, layers: 2 }, vocabRows: 49408, imageSize: 64, unet: {}, vae: {} },
};

const parameterCount = (model: ModelProto) => (model.graph?.initializer ?? []).reduce((n, t) => n + (t.dims ?? []).reduce<number>((a, d) => a * Number(d), 1), 0);

/** Writes `<dir>/<rel>` with every initializer of 1 KB or more in `<rel>_data` (Optimum's model.onnx + model.onnx_data). */
function writeExternal(dir: string, rel: string, model: ModelProto): number {
  const path = join(dir, rel);
  mkdirSync(dirname(path), { recursive: true });
  const parameters = parameterCount(model);
  externalise(model, path);
  writeFolderFile(dir, rel, model, 'onnx');
  return parameters;
}

/**
 * A transformers.js CLIP ViT-B/16 folder: the split towers (onnx/text_model.onnx + onnx/vision_model.onnx) or
 * Optimum's single CLIPModel file (onnx/model.onnx). The tokenizer is the factory's (a small BPE vocabulary with
 * all 256 byte symbols, so every word tokenizes); the text tower's embedding has CLIP's 49408 rows.
 */
export function writeClipFolder(dir: string, preset: Preset, layout: 'split' | 'single'): { parameters: number } {
  const p = CLIP_B16[preset];
  const tok = buildClipTokenizerFiles();
  const text = buildClipTextModel({ seed: 1, vocabSize: p.vocabRows, ...p.text, projectionDim: p.projection, attentionMask: layout === 'single' });
  const vision = buildClipVisionModel({ seed: 2, imageSize: p.imageSize, patchSize: p.patchSize, ...p.vision, projectionDim: p.projection });
  const parameters = parameterCount(text) + parameterCount(vision);
  const common = { hidden_act: 'quick_gelu', layer_norm_eps: 1e-5, projection_dim: p.projection };
  const tower = (t: Tower) => ({ hidden_size: t.width, intermediate_size: 4 * t.width, num_attention_heads: t.heads, num_hidden_layers: t.layers });
  writeJsonFiles(dir, {
    ...tok.files,
    'preprocessor_config.json': clipPreprocessorConfig(p.imageSize, CLIP_IMAGE_MEAN, CLIP_IMAGE_STD),
    'config.json': {
      _name_or_path: `synood/random-clip-vit-b16-${preset}`,
      architectures: ['CLIPModel'],
      model_type: 'clip',
      projection_dim: p.projection,
      logit_scale_init_value: 2.6592,
      text_config: { model_type: 'clip_text_model', vocab_size: p.vocabRows, max_position_embeddings: 77, bos_token_id: tok.bosId, eos_token_id: tok.eosId, pad_token_id: tok.padId, ...common, ...tower(p.text) },
      vision_config: { model_type: 'clip_vision_model', image_size: p.imageSize, patch_size: p.patchSize, num_channels: 3, ...common, ...tower(p.vision) },
    },
  });
  if (layout === 'single') {
    writeFolderFile(dir, 'onnx/model.onnx', combineClipTowers(text, vision), 'onnx');
  } else {
    writeFolderFile(dir, 'onnx/text_model.onnx', text, 'onnx');
    writeFolderFile(dir, 'onnx/vision_model.onnx', vision, 'onnx');
  }
  return { parameters };
}

/**
 * An Optimum-layout SD-2 inpainting folder, fp32, every part as model.onnx + model.onnx_data (the real UNet, over
 * protobuf's 2 GB, can only be stored so). Parts are built one at a time (`onPart` reports each).
 */
export function writeSdFolder(dir: string, preset: Preset, onPart: (part: string, parameters: number) => void = () => {}): { parameters: number } {
  const p = SD2[preset];
  const latentSize = p.imageSize / 8;
  const tok = buildClipTokenizerFiles({ padToken: '!' }); // SD-2's OpenCLIP tokenizer pads with "!"
  const vaeConfig = { _class_name: 'AutoencoderKL', latent_channels: 4, sample_size: p.imageSize, scaling_factor: VAE_SCALING_FACTOR };
  const json: Record<string, unknown> = {
    'model_index.json': SD_INPAINT_MODEL_INDEX,
    'scheduler/scheduler_config.json': SD2_INPAINT_SCHEDULER,
    'unet/config.json': { _class_name: 'UNet2DConditionModel', in_channels: 9, out_channels: 4, sample_size: latentSize, cross_attention_dim: p.text.width },
    'vae_encoder/config.json': vaeConfig,
    'vae_decoder/config.json': vaeConfig,
    'text_encoder/config.json': { model_type: 'clip_text_model', hidden_size: p.text.width, vocab_size: p.vocabRows, max_position_embeddings: 77 },
  };
  for (const [name, content] of Object.entries(tok.files)) json[`tokenizer/${name}`] = content;
  writeJsonFiles(dir, json);
  const parts: [string, () => ModelProto][] = [
    ['text_encoder', () => buildClipTextModel({ seed: 11, vocabSize: p.vocabRows, ...p.text, idsType: 'int64', flavour: 'sd', sequenceLength: 77 })],
    ['unet', () => buildInpaintUnet({ ...p.unet, seed: 12, latentSize, crossAttentionDim: p.text.width, batch: 'batch_size' })],
    ['vae_encoder', () => buildVaeEncoder({ ...p.vae, seed: 13, imageSize: p.imageSize, batch: 'batch_size' })],
    ['vae_decoder', () => buildVaeDecoder({ ...p.vae, seed: 14, imageSize: p.imageSize, batch: 'batch_size' })],
  ];
  let parameters = 0;
  for (const [part, build] of parts) {
    const n = writeExternal(dir, `${part}/model.onnx`, build());
    onPart(part, n);
    parameters += n;
  }
  return { parameters };
}

const PYTHON = '/usr/bin/python3';
const RESNET_EXPORT = resolve(__dirname, 'export_resnet50.py');
/** The reduced-width torch export the tests use (scripts/real-layouts/make_real_layouts.py, resnet_dynamic). */
export const REDUCED_RESNET_FIXTURE = resolve(__dirname, '../../tests/fixtures/real-layouts/resnet_dynamic/model.onnx');

/** torchvision resnet50 exported by torch (real), or the tests' reduced-width export of the same code path. */
export function writeResnet(file: string, preset: Preset): { parameters: number | null } {
  mkdirSync(dirname(file), { recursive: true });
  if (preset === 'reduced') {
    copyFileSync(REDUCED_RESNET_FIXTURE, file);
    return { parameters: null };
  }
  const out = spawnSync(PYTHON, [RESNET_EXPORT, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = out.stdout.trim().split('\n').at(-1) ?? '';
  if (out.status !== 0 || !line.startsWith('{')) throw new Error(`torch export of resnet50 failed: ${out.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return { parameters: (JSON.parse(line) as { parameters: number }).parameters };
}
