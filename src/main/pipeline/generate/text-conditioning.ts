import * as ort from 'onnxruntime-node';
import type { InpaintModels } from './inpaint-models';

/** Text-encoder hidden states for one prompt: [1, textLength, width], row-major. */
export interface PromptEmbedding {
  data: Float32Array;
  dims: number[];
}

/** Tokenises like diffusers (pad to the model length, truncate longer prompts) and runs the text encoder. */
export async function encodePrompt(models: InpaintModels, prompt: string): Promise<PromptEmbedding> {
  const length = models.io.textLength;
  const encoded = models.tokenizer(prompt, { padding: 'max_length', truncation: true, max_length: length, return_tensor: false }) as unknown as {
    input_ids: number[];
  };
  const ids = encoded.input_ids;
  if (ids.length !== length) throw new Error(`tokenizer produced ${ids.length} ids, the text encoder takes ${length}`);
  const tensor =
    models.io.inputIdsType === 'int32'
      ? new ort.Tensor('int32', Int32Array.from(ids), [1, length])
      : new ort.Tensor('int64', BigInt64Array.from(ids.map((v) => BigInt(v))), [1, length]);
  const out = (await models.textEncoder.run({ input_ids: tensor }))[models.io.textOutput]!;
  return { data: out.data as Float32Array, dims: [...out.dims] };
}

/** Classifier-free guidance conditioning: the empty (negative) prompt first, then the prompt, as diffusers batches them. */
export interface GuidanceConditioning {
  uncond: PromptEmbedding;
  cond: PromptEmbedding;
}

export async function encodeGuidancePrompts(models: InpaintModels, prompt: string, negativePrompt = ''): Promise<GuidanceConditioning> {
  return { uncond: await encodePrompt(models, negativePrompt), cond: await encodePrompt(models, prompt) };
}
