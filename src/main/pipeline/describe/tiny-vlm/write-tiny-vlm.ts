import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { variantFile } from '../../../models/dtype-variants';
import { saveModel } from '../../../onnx';
import { buildDecoder, buildEmbedTokens, buildVisionEncoder, type TinyVlmShapes } from './graphs';
import { tinyVlmVariant, type TinyVlmDtype } from './variants';
import { wordTokenizerFiles } from './word-tokenizer';

export interface TinyVlmOptions {
  seed?: number;
  hidden?: number;
  heads?: number;
  imageSize?: number;
  patchSize?: number;
  /**
   * Which precisions of each ONNX file to write (default ['fp32']): `onnx/<session>.onnx`, `onnx/<session>_fp16.onnx`,
   * `onnx/<session>_q4.onnx` (tiny-vlm/variants.ts). A folder may hold only some, as onnx-community repositories do.
   */
  dtypes?: readonly TinyVlmDtype[];
}

/**
 * Writes a tiny random LLaVA-architecture model in the transformers.js folder layout (config.json,
 * generation_config.json, preprocessor/processor configs, tokenizer files, onnx/vision_encoder.onnx,
 * onnx/embed_tokens.onnx, onnx/decoder_model_merged.onnx), so the VLM describer runs end to end offline.
 * Its answers are random words from its vocabulary. The same seed gives the same float32 weights in every precision. LLaVA is the simplest image-text-to-text layout
 * transformers.js loads: image features simply replace the expanded `<image>` tokens' embeddings.
 */
export function writeTinyVlm(dir: string, opts: TinyVlmOptions = {}): void {
  const tok = wordTokenizerFiles();
  const shapes: TinyVlmShapes = {
    seed: opts.seed ?? 0,
    vocabSize: tok.vocabSize,
    hidden: opts.hidden ?? 16,
    heads: opts.heads ?? 2,
    imageSize: opts.imageSize ?? 16,
    patchSize: opts.patchSize ?? 8,
    maxPositions: 256,
  };
  const common = { bos_token_id: tok.ids['<s>'], eos_token_id: tok.ids['</s>'], pad_token_id: tok.ids['<pad>'] };
  const json: Record<string, unknown> = {
    'config.json': {
      model_type: 'llava',
      architectures: ['LlavaForConditionalGeneration'],
      image_token_index: tok.ids['<image>'],
      text_config: {
        model_type: 'llama',
        vocab_size: shapes.vocabSize,
        hidden_size: shapes.hidden,
        num_hidden_layers: 1,
        num_attention_heads: shapes.heads,
        num_key_value_heads: shapes.heads,
        head_dim: shapes.hidden / shapes.heads,
        max_position_embeddings: shapes.maxPositions,
        ...common,
      },
      vision_config: { model_type: 'clip_vision_model', hidden_size: shapes.hidden, image_size: shapes.imageSize, patch_size: shapes.patchSize },
      ...common,
    },
    'generation_config.json': { ...common, do_sample: false },
    'preprocessor_config.json': {
      processor_class: 'LlavaProcessor',
      image_processor_type: 'CLIPImageProcessor',
      do_resize: true,
      size: { shortest_edge: shapes.imageSize },
      do_center_crop: true,
      crop_size: { height: shapes.imageSize, width: shapes.imageSize },
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [0.48145466, 0.4578275, 0.40821073],
      image_std: [0.26862954, 0.26130258, 0.27577711],
      do_convert_rgb: true,
      resample: 3,
    },
    'processor_config.json': { processor_class: 'LlavaProcessor', image_token: '<image>', patch_size: shapes.patchSize, num_additional_image_tokens: 0 },
    ...tok.files,
  };
  const write = (rel: string, data: string | Uint8Array) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), data);
  };
  for (const [rel, content] of Object.entries(json)) write(rel, `${JSON.stringify(content, null, 2)}\n`);
  const sessions = { vision_encoder: buildVisionEncoder(shapes), embed_tokens: buildEmbedTokens(shapes), decoder_model_merged: buildDecoder(shapes) };
  for (const dtype of opts.dtypes ?? ['fp32']) {
    for (const [name, model] of Object.entries(sessions)) write(variantFile(`onnx/${name}.onnx`, dtype), saveModel(tinyVlmVariant(model, dtype)));
  }
}
