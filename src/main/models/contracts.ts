import type { FileRule, Layout, LayoutContext, MatchedTensors, ModelRole, RoleContract, TensorRule, ValidationProblem } from './contract-types';
import { clipTokenizerRules } from './tokenizer-rules';
import { vocabFitsEmbedding } from './vocab-check';
import { vlmContract } from './vlm-contract';

// float16 too (Optimum --fp16 exports): onnx/session.ts widens them for the CPU provider and converts float32
// feeds and float16 outputs, so the pipelines feed and read float32 either way.
const F32 = ['float32', 'float16'];
const I64 = ['int64'];
const RGB: TensorRule['dims'] = [{ axis: 1, sizes: [3], meaning: 'channels', why: 'RGB images' }];

const json = (file: string, what: string, hint?: string, fields?: FileRule['fields']): FileRule => ({ anyOf: [file], what, json: true, hint, fields });

const clipFiles = (ctx: LayoutContext): FileRule[] => [
  json('config.json', 'the model configuration'),
  ...clipTokenizerRules(ctx, ''),
  json('tokenizer_config.json', 'the tokenizer settings'),
  json('preprocessor_config.json', 'the image preprocessing settings (size, mean, std)'),
];

const inputIds: TensorRule = { names: ['input_ids'], dtypes: I64, ranks: [2] };
const attentionMask: TensorRule = { names: ['attention_mask'], dtypes: I64, ranks: [2], optional: true };
const pixelValues: TensorRule = { names: ['pixel_values'], dtypes: F32, ranks: [4], dims: RGB };
const embeds = (name: string): TensorRule => ({ names: [name], dtypes: F32, ranks: [2] });

/** The projection widths must agree, or cosine similarities between text and image embeddings are meaningless. */
function sameWidth(a: { file: string; tensor: string }, b: { file: string; tensor: string }) {
  return (matched: MatchedTensors): ValidationProblem[] => {
    const da = matched[a.file]?.[a.tensor]?.shape?.[1];
    const db = matched[b.file]?.[b.tensor]?.shape?.[1];
    if (typeof da !== 'number' || typeof db !== 'number' || da === db) return [];
    return [
      {
        code: 'mismatch',
        file: b.file,
        subject: `output '${b.tensor}'`,
        expected: String(da),
        found: String(db),
        message: `${b.file}: output '${b.tensor}' has width ${db}, but ${a.file}'s '${a.tensor}' has width ${da}; they must match (the two towers of one CLIP model)`,
      },
    ];
  };
}

const clipSplit = (ctx: LayoutContext): Layout => ({
  id: 'clip-split',
  description: 'transformers.js/Optimum CLIP with separate towers (onnx/text_model.onnx + onnx/vision_model.onnx)',
  files: clipFiles(ctx),
  onnx: [
    { file: 'onnx/text_model.onnx', what: 'the CLIP text tower', inputs: [inputIds, attentionMask], outputs: [embeds('text_embeds')], otherInputs: 'refused', variants: true },
    { file: 'onnx/vision_model.onnx', what: 'the CLIP image tower', inputs: [pixelValues], outputs: [embeds('image_embeds')], otherInputs: 'refused', variants: true },
  ],
  crossCheck: sameWidth({ file: 'onnx/text_model.onnx', tensor: 'text_embeds' }, { file: 'onnx/vision_model.onnx', tensor: 'image_embeds' }),
  signatureCheck: (onnx, c) => vocabFitsEmbedding(c, '', 'onnx/text_model.onnx', onnx),
});

const clipCombined = (ctx: LayoutContext): Layout => ({
  id: 'clip-combined',
  description: 'the single CLIPModel export (onnx/model.onnx)',
  files: clipFiles(ctx),
  onnx: [
    {
      file: 'onnx/model.onnx',
      what: 'the CLIPModel export',
      inputs: [inputIds, pixelValues, attentionMask],
      outputs: [embeds('logits_per_image'), embeds('text_embeds'), embeds('image_embeds')],
      otherInputs: 'refused',
      variants: true,
    },
  ],
  crossCheck: sameWidth({ file: 'onnx/model.onnx', tensor: 'text_embeds' }, { file: 'onnx/model.onnx', tensor: 'image_embeds' }),
  signatureCheck: (onnx, c) => vocabFitsEmbedding(c, '', 'onnx/model.onnx', onnx),
});

export const clipContract: RoleContract = {
  role: 'clip',
  description: 'a CLIP model (text and image towers giving projected embeddings)',
  layouts: (ctx: LayoutContext) => [clipSplit(ctx), clipCombined(ctx)],
};

/** Where a classifier folder keeps its one ONNX file, in the order looked for. */
export const CLASSIFIER_FILES = ['model.onnx', 'onnx/model.onnx'];

export const classifierContract: RoleContract = {
  role: 'classifier',
  description: 'an image classifier (one image batch in, one logits matrix out)',
  layouts: (ctx: LayoutContext) => {
    const file = ctx.entry ?? CLASSIFIER_FILES.find((f) => ctx.exists(f)) ?? CLASSIFIER_FILES[0]!;
    return [
      {
        id: 'classifier-onnx',
        description: 'a single .onnx classifier',
        files: [],
        onnx: [
          {
            file,
            what: 'the classifier',
            inputs: [{ names: [], dtypes: F32, ranks: [4], dims: RGB }],
            outputs: [{ names: [], dtypes: F32, ranks: [2] }],
            otherInputs: 'refused',
            single: true,
          },
        ],
      },
    ];
  },
};

const SD_TEXT = 'text_encoder/model.onnx';
const SD_UNET = 'unet/model.onnx';

function textWidthMatchesUnet(matched: MatchedTensors): ValidationProblem[] {
  const text = matched[SD_TEXT]?.last_hidden_state?.shape?.[2];
  const unet = matched[SD_UNET]?.encoder_hidden_states?.shape?.[2];
  if (typeof text !== 'number' || typeof unet !== 'number' || text === unet) return [];
  return [
    {
      code: 'mismatch',
      file: SD_UNET,
      subject: "input 'encoder_hidden_states'",
      expected: String(text),
      found: String(unet),
      message: `${SD_UNET}: input 'encoder_hidden_states' has width ${unet}, but ${SD_TEXT} gives 'last_hidden_state' of width ${text}; the text encoder and UNet come from different models`,
    },
  ];
}

const TOKENIZER_HINT = 'a tokenizer/ folder holds tokenizer.json, or vocab.json + merges.txt (Optimum\'s SD-2 export); copy it from the model repository';

const sdInpaint = (ctx: LayoutContext): Layout => ({
  id: 'sd-inpaint-onnx',
  description: 'a diffusers/Optimum Stable-Diffusion-2-inpainting ONNX export',
  files: [
    json('model_index.json', 'the pipeline index'),
    json('scheduler/scheduler_config.json', 'the noise scheduler settings'),
    ...clipTokenizerRules(ctx, 'tokenizer/', TOKENIZER_HINT),
    json('tokenizer/tokenizer_config.json', 'the tokenizer settings'),
  ],
  onnx: [
    {
      file: SD_TEXT,
      what: 'the text encoder',
      inputs: [{ names: ['input_ids'], dtypes: ['int32', 'int64'], ranks: [2] }],
      outputs: [{ names: ['last_hidden_state'], dtypes: F32, ranks: [3] }],
      otherInputs: 'refused',
    },
    {
      file: SD_UNET,
      what: 'the inpainting UNet',
      inputs: [
        {
          names: ['sample'],
          dtypes: F32,
          ranks: [4],
          dims: [{ axis: 1, sizes: [9], meaning: 'channels', why: 'an inpainting UNet: 4 latent + 1 mask + 4 masked-image latent channels' }],
        },
        // diffusers' own export takes a float [1] timestep, Optimum's an int64 one; older exports a scalar.
        { names: ['timestep'], dtypes: ['int64', 'float32'], ranks: [0, 1] },
        { names: ['encoder_hidden_states'], dtypes: F32, ranks: [3] },
      ],
      outputs: [{ names: ['out_sample', 'sample'], dtypes: F32, ranks: [4], dims: [{ axis: 1, sizes: [4], meaning: 'channels', why: 'the predicted latent noise' }] }],
      otherInputs: 'refused',
    },
    {
      file: 'vae_encoder/model.onnx',
      what: 'the VAE encoder',
      inputs: [{ names: ['sample'], dtypes: F32, ranks: [4], dims: RGB }],
      outputs: [
        {
          names: ['latent_sample', 'latent_parameters'],
          dtypes: F32,
          ranks: [4],
          dims: [
            { axis: 1, sizes: [4], meaning: 'channels', why: 'a 4-channel latent', onlyFor: 'latent_sample' },
            { axis: 1, sizes: [8], meaning: 'channels', why: 'the latent mean and log-variance, 4 each', onlyFor: 'latent_parameters' },
          ],
        },
      ],
      otherInputs: 'refused',
    },
    {
      file: 'vae_decoder/model.onnx',
      what: 'the VAE decoder',
      inputs: [{ names: ['latent_sample'], dtypes: F32, ranks: [4], dims: [{ axis: 1, sizes: [4], meaning: 'channels', why: 'a 4-channel latent' }] }],
      outputs: [{ names: ['sample'], dtypes: F32, ranks: [4], dims: RGB }],
      otherInputs: 'refused',
    },
  ],
  crossCheck: textWidthMatchesUnet,
  signatureCheck: (onnx, c) => vocabFitsEmbedding(c, 'tokenizer/', SD_TEXT, onnx),
});

export const inpaintingContract: RoleContract = {
  role: 'inpainting',
  description: 'a Stable-Diffusion inpainting pipeline (text encoder, 9-channel UNet, VAE encoder and decoder)',
  layouts: (ctx: LayoutContext) => [sdInpaint(ctx)],
};

export const ROLE_CONTRACTS: Record<ModelRole, RoleContract> = {
  clip: clipContract,
  classifier: classifierContract,
  inpainting: inpaintingContract,
  vlm: vlmContract,
};
