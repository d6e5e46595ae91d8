import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * transformers.js' precision variants of one ONNX file and the suffix each adds before `.onnx`
 * (`DEFAULT_DTYPE_SUFFIX_MAPPING` in @huggingface/transformers' utils/dtypes.js): a transformers.js / onnx-community
 * folder may hold `onnx/text_model.onnx` and `onnx/text_model_quantized.onnx`, or only `onnx/decoder_model_merged_q4.onnx`.
 */
export const ONNX_DTYPE_SUFFIX = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
} as const;

export type OnnxDtype = keyof typeof ONNX_DTYPE_SUFFIX;
export const ONNX_DTYPES = Object.keys(ONNX_DTYPE_SUFFIX) as OnnxDtype[];

/**
 * The order a CPU run prefers when a folder holds several variants: full precision first (the reference the
 * studio's figures are measured with), then fp16 (widened to float32 on load, same numbers within rounding),
 * then the quantized ones, 8-bit before 4-bit.
 */
export const CPU_DTYPE_PREFERENCE: readonly OnnxDtype[] = ['fp32', 'fp16', 'q8', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'];

/** `onnx/text_model.onnx` + `q8` → `onnx/text_model_quantized.onnx`. */
export function variantFile(base: string, dtype: OnnxDtype): string {
  if (!base.endsWith('.onnx')) throw new Error(`variantFile: ${base} is not an .onnx path`);
  return `${base.slice(0, -'.onnx'.length)}${ONNX_DTYPE_SUFFIX[dtype]}.onnx`;
}

/** The variants of `base` present (exists() answers for a path relative to the folder), in preference order. */
export function presentVariants(base: string, exists: (rel: string) => boolean, preference: readonly OnnxDtype[] = CPU_DTYPE_PREFERENCE): OnnxDtype[] {
  return preference.filter((d) => exists(variantFile(base, d)));
}

/** The dtype a run uses for `base` in the folder `dir`: `wanted` when given (and present), else the preferred present one. */
export function chooseVariant(dir: string, base: string, wanted?: OnnxDtype): { dtype: OnnxDtype; file: string } {
  const exists = (rel: string) => existsSync(join(dir, rel));
  const present = presentVariants(base, exists);
  const dtype = wanted !== undefined ? (present.includes(wanted) ? wanted : undefined) : present[0];
  if (dtype === undefined) {
    const names = ONNX_DTYPES.map((d) => variantFile(base, d)).join(', ');
    const why = wanted !== undefined ? `the ${wanted} variant ${variantFile(base, wanted)} is not there (present: ${present.join(', ') || 'none'})` : `none of ${names} is there`;
    throw new Error(`${join(dir, base)}: ${why}`);
  }
  return { dtype, file: join(dir, variantFile(base, dtype)) };
}
