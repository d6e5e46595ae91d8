import { SD2_INPAINT_SCHEDULER, SD_INPAINT_MODEL_INDEX, VAE_SCALING_FACTOR } from '../../onnx/factory/sd-inpaint';
import { writeFolderFile, writeJsonFiles } from '../../onnx/factory/files';
import type { ModelProto } from '../../onnx';
import { worldTokenizerFiles } from '../clip/bpe-bridge';
import { CLIP_WORD_DIM } from '../clip/towers';
import { buildLatentDecoder, LATENT_SCALE, LATENT_SIDE } from '../latent-map';
import { WORLD_IMAGE_SIZE } from '../scene';
import { WORLD_TEXT_LENGTH } from './architecture';
import { buildLatentEncoder } from './latent-vae';
import { buildWorldTextEncoder } from './text-states';

/** Where `synood world train` puts the folder, under its --out dir. */
export const SD_INPAINT_DIR = 'sd-inpaint';


/**
 * Writes the world's Stable-Diffusion-2-inpainting folder in the diffusers ONNX layout the pipeline loads: the trained
 * UNet, the frozen tiny-CLIP word states as text encoder, the fixed latent map as VAE, the world BPE tokenizer padded
 * with '!' as SD-2's, and SD-2-inpainting's scheduler. Returns the files written, relative to `dir`.
 */
export function writeWorldSdInpaint(dir: string, unet: ModelProto, wordEmbeddings: Float32Array): string[] {
  if (LATENT_SCALE !== VAE_SCALING_FACTOR) throw new Error('the latent map must use SD\'s scaling factor');
  const tok = worldTokenizerFiles('!');
  const vae = { _class_name: 'AutoencoderKL', latent_channels: 4, sample_size: WORLD_IMAGE_SIZE, scaling_factor: LATENT_SCALE, encoder_output: 'fixed linear latent map (src/main/world/latent-map.ts): 2×2 means, no posterior' };
  const json: Record<string, unknown> = {
    'model_index.json': SD_INPAINT_MODEL_INDEX,
    'scheduler/scheduler_config.json': SD2_INPAINT_SCHEDULER,
    'unet/config.json': { _class_name: 'UNet2DConditionModel', in_channels: 9, out_channels: 4, sample_size: LATENT_SIDE, cross_attention_dim: CLIP_WORD_DIM },
    'vae_encoder/config.json': vae,
    'vae_decoder/config.json': vae,
    'text_encoder/config.json': { model_type: 'clip_text_model', hidden_size: CLIP_WORD_DIM, vocab_size: tok.vocabSize, max_position_embeddings: WORLD_TEXT_LENGTH, note: 'frozen tiny-CLIP word embeddings (src/main/world/diffusion/text-states.ts)' },
  };
  for (const [name, content] of Object.entries(tok.files)) json[`tokenizer/${name}`] = content;
  writeJsonFiles(dir, json);
  const onnx: [string, ModelProto][] = [
    ['text_encoder/model.onnx', buildWorldTextEncoder(wordEmbeddings)],
    ['unet/model.onnx', unet],
    ['vae_encoder/model.onnx', buildLatentEncoder()],
    ['vae_decoder/model.onnx', buildLatentDecoder()],
  ];
  for (const [file, model] of onnx) writeFolderFile(dir, file, model, 'onnx');
  return [...Object.keys(json), ...onnx.map(([f]) => f)];
}
