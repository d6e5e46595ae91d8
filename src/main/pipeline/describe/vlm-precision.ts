import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chooseVariant, presentVariants, type OnnxDtype } from '../../models/dtype-variants';

/**
 * The sessions transformers.js' image-text-to-text models load (session_config.js; see models/vlm-contract.ts), by the
 * name its per-file `dtype` object is keyed with. encoder_model and audio_encoder exist for some architectures only.
 */
const VLM_SESSIONS = ['vision_encoder', 'embed_tokens', 'decoder_model_merged', 'encoder_model', 'audio_encoder'] as const;

/** One precision for every session, or per session name (`{ decoder_model_merged: 'q4' }`; the others then as chosen by default). */
export type VlmDtypeRequest = OnnxDtype | Partial<Record<string, OnnxDtype>>;

/**
 * The precision each session of the folder runs at: the asked one (refused, naming the file, when that variant is not
 * there), else the most preferred precision all sessions share, else per session the first present in the CPU
 * preference order (fp32, fp16, the 8-bit ones, then 4-bit). Sessions with no
 * variant at all are left out (import refuses a folder missing a required one; transformers.js names the file).
 */
export function chooseVlmDtypes(dir: string, request?: VlmDtypeRequest): Record<string, OnnxDtype> {
  const common = request === undefined ? commonDtype(dir) : undefined;
  const out: Record<string, OnnxDtype> = {};
  for (const name of VLM_SESSIONS) {
    const base = `onnx/${name}.onnx`;
    const named = typeof request === 'object' ? request[name] : undefined;
    // A session this architecture does not have (no variant at all) is skipped unless the request names it.
    if (named === undefined && presentVariants(base, (rel) => existsSync(join(dir, rel))).length === 0) continue;
    const wanted = typeof request === 'string' ? request : (named ?? common);
    out[name] = chooseVariant(dir, base, wanted).dtype;
  }
  return out;
}

/**
 * The most preferred precision every session of the folder has, if any: a folder holding fp32 vision files but only
 * fp16 decoders runs all-fp16 by default rather than mixing precisions transformers.js cannot pass between sessions.
 */
function commonDtype(dir: string): OnnxDtype | undefined {
  const exists = (rel: string) => existsSync(join(dir, rel));
  const perSession = VLM_SESSIONS.map((name) => presentVariants(`onnx/${name}.onnx`, exists)).filter((p) => p.length > 0);
  if (perSession.length === 0) return undefined;
  return perSession[0]!.find((d) => perSession.every((p) => p.includes(d)));
}

/** `vlm:<folder>` gains the precisions when any is not fp32: `:q4`, or `:vision_encoder=fp16,decoder_model_merged=q4`. */
export function dtypeLabel(dtypes: Record<string, OnnxDtype>): string {
  const values = Object.values(dtypes);
  if (values.every((d) => d === 'fp32')) return '';
  if (values.every((d) => d === values[0])) return `:${values[0]}`;
  return `:${Object.entries(dtypes).map(([s, d]) => `${s}=${d}`).join(',')}`;
}

interface SessionLike {
  inputMetadata: readonly { name: string; isTensor: boolean; type?: string }[];
  outputMetadata: readonly { name: string; isTensor: boolean; type?: string }[];
}

const typeOf = (list: SessionLike['inputMetadata'] | undefined, name: string) => list?.find((m) => m.name === name)?.type;

/**
 * transformers.js (4.3) passes tensors between the sessions without converting them: it feeds the processor's float32
 * `pixel_values`, copies `image_features` element by element into `inputs_embeds` (float16 arrive there as raw 16-bit
 * patterns in Node without Float16Array), and feeds `inputs_embeds` to the decoder as they are. Precisions whose
 * tensors do not line up would fail mid-generation or, for the copy, describe from garbage; they are refused here.
 */
export function sessionPrecisionProblems(sessions: Record<string, SessionLike | undefined>, files: Record<string, string>): string[] {
  const problems: string[] = [];
  const vision = sessions.vision_encoder;
  const embed = sessions.embed_tokens;
  const decoder = sessions.decoder_model_merged;
  const pixels = typeOf(vision?.inputMetadata, 'pixel_values');
  if (pixels !== undefined && pixels !== 'float32') problems.push(`${files.vision_encoder}: input pixel_values is ${pixels}; transformers.js feeds float32 pixels unconverted`);
  const features = typeOf(vision?.outputMetadata, 'image_features');
  const embeds = typeOf(embed?.outputMetadata, 'inputs_embeds');
  if (features !== undefined && embeds !== undefined && features !== embeds) {
    problems.push(`${files.vision_encoder} gives ${features} image_features but ${files.embed_tokens} gives ${embeds} inputs_embeds; transformers.js copies the features into the embeddings unconverted: choose the same float precision for both`);
  }
  const decoderEmbeds = typeOf(decoder?.inputMetadata, 'inputs_embeds');
  if (embeds !== undefined && decoderEmbeds !== undefined && embeds !== decoderEmbeds) {
    problems.push(`${files.embed_tokens} gives ${embeds} inputs_embeds but ${files.decoder_model_merged} takes ${decoderEmbeds}`);
  }
  return problems;
}
