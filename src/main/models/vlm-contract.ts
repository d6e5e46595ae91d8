import type { FileRule, Layout, LayoutContext, OnnxRule, RoleContract, TensorRule, ValidationProblem } from './contract-types';
import { TOKENIZER_FIELDS } from './json-fields';
import type { OnnxSignature } from './onnx-signature';
import { vocabFitsEmbedding } from './vocab-check';

/**
 * model_type values transformers.js 4.3.1 loads with AutoModelForImageTextToText (its
 * MODEL_FOR_IMAGE_TEXT_TO_TEXT_MAPPING_NAMES), which is how the describer loads a VLM. All of them use the
 * ImageTextToText session set (session_config.js): vision_encoder, embed_tokens, decoder_model_merged, plus
 * encoder_model when config.is_encoder_decoder; gemma3n and gemma4 also load audio_encoder.
 */
export const VLM_MODEL_TYPES = [
  'llava',
  'llava_onevision',
  'moondream1',
  'florence2',
  'qwen2_vl',
  'qwen2_5_vl',
  'qwen3_vl',
  'qwen3_vl_moe',
  'qwen3_5',
  'qwen3_5_moe',
  'lfm2_vl',
  'idefics3',
  'smolvlm',
  'paligemma',
  'llava_qwen2',
  'gemma3',
  'gemma3n',
  'gemma4',
  'mistral3',
  'lighton_ocr',
  'glm_ocr',
] as const;

const WITH_AUDIO = new Set(['gemma3n', 'gemma4']);
/** Architectures whose vision encoder takes plain [N,3,H,W] images (others take patches or tiles). */
const PLAIN_IMAGE_INPUT = new Set(['llava', 'florence2', 'paligemma']);
/** Architectures that are encoder-decoder models: transformers.js loads encoder_model only if config says so. */
const ENCODER_DECODER = new Set(['florence2']);
/** Vision encoders transformers.js reads `image_features` from (gemma3n/4 run their own code paths). */
const IMAGE_FEATURES_OUTPUT = (type: string) => !WITH_AUDIO.has(type);

// float16 too: transformers.js' fp16 and q4f16 variants take and give float16 (it converts its feeds).
const F32 = ['float32', 'float16'];

const VLM_FILES: FileRule[] = [
  { anyOf: ['config.json'], what: 'the model configuration', json: true },
  { anyOf: ['tokenizer.json'], what: 'the fast tokenizer', json: true, fields: TOKENIZER_FIELDS },
  { anyOf: ['tokenizer_config.json'], what: 'the tokenizer settings', json: true },
  { anyOf: ['preprocessor_config.json'], what: 'the image preprocessing settings', json: true },
];

function visionEncoder(type: string): OnnxRule {
  const pixelValues: TensorRule = PLAIN_IMAGE_INPUT.has(type)
    ? { names: ['pixel_values'], dtypes: F32, ranks: [4], dims: [{ axis: 1, sizes: [3], meaning: 'channels', why: 'RGB images' }] }
    : { names: ['pixel_values'], dtypes: F32, ranks: [2, 3, 4, 5] };
  return {
    file: 'onnx/vision_encoder.onnx',
    what: 'the vision encoder',
    inputs: [pixelValues],
    outputs: IMAGE_FEATURES_OUTPUT(type) ? [{ names: ['image_features'], dtypes: F32, ranks: [2, 3] }] : [],
    otherInputs: 'allowed',
    variants: true,
  };
}

const embedTokens: OnnxRule = {
  file: 'onnx/embed_tokens.onnx',
  what: 'the token embedding',
  inputs: [{ names: ['input_ids'], dtypes: ['int64'], ranks: [2] }],
  outputs: [{ names: ['inputs_embeds'], dtypes: F32, ranks: [3] }],
  otherInputs: 'allowed',
  variants: true,
};

function decoder(encoderDecoder: boolean): OnnxRule {
  return {
    file: 'onnx/decoder_model_merged.onnx',
    what: 'the language-model decoder (with its key/value cache merged in)',
    // A decoder-only model is fed the merged text+image embeddings; a seq2seq decoder its own inputs.
    inputs: encoderDecoder ? [] : [{ names: ['inputs_embeds'], dtypes: F32, ranks: [3] }],
    outputs: [{ names: ['logits'], dtypes: F32, ranks: [3] }],
    otherInputs: 'allowed',
    variants: true,
  };
}

const encoderModel: OnnxRule = {
  file: 'onnx/encoder_model.onnx',
  what: 'the text encoder of the encoder-decoder language model',
  inputs: [{ names: ['inputs_embeds'], dtypes: F32, ranks: [3] }],
  outputs: [{ names: ['last_hidden_state'], dtypes: F32, ranks: [3] }],
  otherInputs: 'allowed',
  variants: true,
};

const audioEncoder: OnnxRule = { file: 'onnx/audio_encoder.onnx', what: 'the audio encoder', inputs: [], outputs: [], otherInputs: 'allowed', variants: true };

function configProblems(type: unknown, config: Record<string, unknown> | undefined): ValidationProblem[] {
  if (!config) return [];
  if (typeof type !== 'string' || !(VLM_MODEL_TYPES as readonly string[]).includes(type)) {
    return [
      {
        code: 'bad-config',
        file: 'config.json',
        subject: 'field model_type',
        expected: `one of ${VLM_MODEL_TYPES.join(', ')}`,
        found: JSON.stringify(type ?? null),
        message: `config.json: field model_type is ${JSON.stringify(type ?? null)}, not an image-text-to-text architecture transformers.js can load (expected one of ${VLM_MODEL_TYPES.join(', ')})`,
      },
    ];
  }
  if (ENCODER_DECODER.has(type) && config.is_encoder_decoder !== true) {
    return [
      {
        code: 'bad-config',
        file: 'config.json',
        subject: 'field is_encoder_decoder',
        expected: 'true',
        found: JSON.stringify(config.is_encoder_decoder ?? null),
        message: `config.json: field is_encoder_decoder is ${JSON.stringify(config.is_encoder_decoder ?? null)}, expected true (${type} is an encoder-decoder model; transformers.js loads onnx/encoder_model.onnx only when it is true)`,
      },
    ];
  }
  return [];
}

const DECODER = 'onnx/decoder_model_merged.onnx';

/**
 * transformers.js generates with the key/value cache: it feeds `past_key_values.<layer>.key|value` and reads
 * `present.<layer>.key|value` (onnx-community's and Optimum's merged decoders). A decoder exported without them
 * (`--no-post-process`, a plain `decoder_model.onnx` renamed) would re-run the whole prompt per token, or fail.
 */
function kvCacheProblems(onnx: Record<string, OnnxSignature>): ValidationProblem[] {
  const sig = onnx[DECODER];
  if (!sig) return [];
  const problems: ValidationProblem[] = [];
  const pairs: [side: 'input' | 'output', prefix: string, list: { name: string }[]][] = [
    ['input', 'past_key_values.', sig.inputs],
    ['output', 'present.', sig.outputs],
  ];
  for (const [side, prefix, list] of pairs) {
    if (list.some((t) => t.name.startsWith(prefix))) continue;
    problems.push({
      code: side === 'input' ? 'missing-input' : 'missing-output',
      file: DECODER,
      subject: `${side} '${prefix}*'`,
      expected: `${prefix}<layer>.key / ${prefix}<layer>.value`,
      found: list.map((t) => t.name).join(', ') || 'none',
      message: `${DECODER}: no ${side} '${prefix}<layer>.key|value' (it has: ${list.map((t) => t.name).join(', ') || 'none'}); the decoder must be exported with its key/value cache (Optimum/onnx-community 'decoder_model_merged')`,
    });
  }
  return problems;
}

export const vlmContract: RoleContract = {
  role: 'vlm',
  description: 'an image-text-to-text model in the transformers.js layout',
  layouts: (ctx: LayoutContext): Layout[] => {
    const config = ctx.readJson('config.json') as Record<string, unknown> | undefined;
    const rawType = config?.model_type;
    // Without a readable config the LLaVA session set is checked, the simplest and most common one.
    const type = typeof rawType === 'string' && (VLM_MODEL_TYPES as readonly string[]).includes(rawType) ? rawType : 'llava';
    const encoderDecoder = config?.is_encoder_decoder === true || ENCODER_DECODER.has(type);
    const onnx = [visionEncoder(type), embedTokens, decoder(encoderDecoder)];
    if (encoderDecoder) onnx.push(encoderModel);
    if (WITH_AUDIO.has(type)) onnx.push(audioEncoder);
    return [
      {
        id: `vlm-${type}`,
        description: `a transformers.js ${type} export`,
        files: VLM_FILES,
        onnx,
        configProblems: configProblems(rawType, config),
        signatureCheck: (sigs, c) => [...kvCacheProblems(sigs), ...vocabFitsEmbedding(c, '', 'onnx/embed_tokens.onnx', sigs)],
      },
    ];
  },
};
