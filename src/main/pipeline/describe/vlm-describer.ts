import { AutoModelForImageTextToText, AutoProcessor, RawImage, type Tensor } from '@huggingface/transformers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitElements } from '../../../shared/api/routes/prompts';
import { variantFile, type OnnxDtype } from '../../models/dtype-variants';
import { parseElements } from './parse-elements';
import { offlineModelPath } from './transformers-offline';
import type { Describer, Description } from './types';
import { chooseVlmDtypes, sessionPrecisionProblems, type VlmDtypeRequest } from './vlm-precision';

/**
 * The question sent with each image. The official question was never published; this one asks for what the
 * paper's example shows ("panda" → bamboo, tourist, leaf, railing): the surrounding elements, not the object,
 * as a short list that `parseElements` can split. `{class}` is replaced by the class name.
 */
export const DEFAULT_CONTEXT_QUESTION =
  'Apart from the {class}, what other objects, background elements and scenery are in this image? ' +
  'Answer with a short comma-separated list of nouns only.';

/** LLaVA-1.5's conversation format, used when the model folder brings no chat template. */
export const LLAVA_PROMPT_TEMPLATE = 'USER: <image>\n{question} ASSISTANT:';

export interface VlmDescriberOptions {
  /** `{class}` is replaced by the class name. */
  question?: string;
  /** `{question}` is replaced by the question; default: the folder's chat template, else LLaVA-1.5's format. */
  promptTemplate?: string;
  maxNewTokens?: number;
  /**
   * Which transformers.js precision to run (`onnx/<session>.onnx`, `_fp16`, `_q4`, …): one for all sessions or per
   * session name. Default: per session, the first present of fp32, fp16, the 8-bit and the 4-bit variants.
   */
  dtype?: VlmDtypeRequest;
}

/** Processors whose call signature takes the image first (`processor(images, text)`); the rest take text first. */
const IMAGE_FIRST_MODEL_TYPES = new Set(['llava', 'llava_onevision', 'paligemma', 'lfm2_vl', 'mistral3', 'pixtral', 'lighton_ocr']);

type LoadedProcessor = Awaited<ReturnType<typeof AutoProcessor.from_pretrained>>;
type LoadedModel = Awaited<ReturnType<typeof AutoModelForImageTextToText.from_pretrained>>;

/**
 * Describes an image with an image-text-to-text model run by transformers.js from a local folder in the
 * usual transformers.js layout (config.json, processor/tokenizer files, onnx/vision_encoder.onnx,
 * onnx/embed_tokens.onnx, onnx/decoder_model_merged.onnx, or their precision variants). Greedy decoding, so the answer
 * is reproducible. Float16 variants run as they are on the CPU provider: onnxruntime wraps the nodes it has no
 * half-precision kernel for in Casts, so activations are rounded to float16 between nodes (the studio's own sessions
 * widen float16 to float32 instead, onnx/session.ts; transformers.js loads the files itself).
 */
export class VlmDescriber implements Describer {
  private constructor(
    private readonly processor: LoadedProcessor,
    private readonly model: LoadedModel,
    private readonly imageFirst: boolean,
    private readonly opts: Required<Omit<VlmDescriberOptions, 'promptTemplate' | 'dtype'>> & { promptTemplate: string | null },
    /** The precision each session runs at, by session name. */
    readonly dtypes: Readonly<Record<string, OnnxDtype>>,
  ) {}

  static async load(modelDir: string, opts: VlmDescriberOptions = {}): Promise<VlmDescriber> {
    const dir = offlineModelPath(modelDir);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { model_type?: string };
    const dtypes = chooseVlmDtypes(dir, opts.dtype);
    const processor = await AutoProcessor.from_pretrained(dir, { local_files_only: true });
    const model = await AutoModelForImageTextToText.from_pretrained(dir, { local_files_only: true, dtype: dtypes, device: 'cpu' });
    const files = Object.fromEntries(Object.entries(dtypes).map(([name, d]) => [name, variantFile(`onnx/${name}.onnx`, d)]));
    const problems = sessionPrecisionProblems(model.sessions as Parameters<typeof sessionPrecisionProblems>[0], files);
    if (problems.length > 0) {
      await model.dispose();
      throw new Error(`${dir}: these precisions cannot run together: ${problems.join('; ')}`);
    }
    const opt = { question: opts.question ?? DEFAULT_CONTEXT_QUESTION, promptTemplate: opts.promptTemplate ?? null, maxNewTokens: opts.maxNewTokens ?? 48 };
    return new VlmDescriber(processor, model, IMAGE_FIRST_MODEL_TYPES.has(config.model_type ?? ''), opt, dtypes);
  }

  async describe(imagePath: string, className: string): Promise<Description> {
    const question = this.opts.question.replaceAll('{class}', className);
    const prompt = this.prompt(question);
    const image = await RawImage.read(imagePath);
    const inputs = this.imageFirst ? await this.processor(image, prompt) : await this.processor(prompt, image);
    const output = (await this.model.generate({ ...inputs, max_new_tokens: this.opts.maxNewTokens, do_sample: false })) as Tensor;
    const promptLength = (inputs.input_ids as Tensor).dims.at(-1)!;
    const answerIds = (output.tolist() as bigint[][])[0]!.slice(promptLength).map(Number);
    const rawAnswer = this.processor.batch_decode([answerIds], { skip_special_tokens: true })[0]!.trim();
    // Elements are what a curator edits and prompt.save checks: a run-on answer is cut to the API's limits here.
    return { rawAnswer, elements: fitElements(parseElements(rawAnswer, className)).elements };
  }

  async release(): Promise<void> {
    await this.model.dispose();
  }

  private prompt(question: string): string {
    if (this.opts.promptTemplate !== null) return this.opts.promptTemplate.replaceAll('{question}', question);
    const hasChatTemplate = Boolean(this.processor.chat_template ?? this.processor.tokenizer?.chat_template);
    if (!hasChatTemplate) return LLAVA_PROMPT_TEMPLATE.replaceAll('{question}', question);
    const messages = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: question }] }];
    return this.processor.apply_chat_template(messages as never, { add_generation_prompt: true, tokenize: false }) as unknown as string;
  }
}
