import type { OnnxSignature, TensorSignature } from './onnx-signature';

export const MODEL_ROLES = ['clip', 'classifier', 'inpainting', 'vlm'] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

/** A static size required on one axis, checked only when the model fixes that axis. */
export interface DimRule {
  axis: number;
  sizes: number[];
  /** What the axis is, for messages: "channels". */
  meaning: string;
  /** Why that size, for messages: "an inpainting UNet: 4 latent + 1 mask + 4 masked-image latent channels". */
  why?: string;
  /** Applies only when the tensor carries this one of its accepted names. */
  onlyFor?: string;
}

/** What one graph input or output must look like. */
export interface TensorRule {
  /** Accepted names, canonical first; empty accepts any name (the classifier's). */
  names: string[];
  dtypes: string[];
  ranks: number[];
  dims?: DimRule[];
  optional?: boolean;
}

export interface OnnxRule {
  /** Path relative to the model folder. */
  file: string;
  /** What the file is, for messages: "the CLIP text tower". */
  what: string;
  inputs: TensorRule[];
  outputs: TensorRule[];
  /** 'refused' where this studio feeds the session itself and would have nothing to give an extra input. */
  otherInputs: 'refused' | 'allowed';
  /** Exactly one input and one output (a classifier whose tensors may have any names). */
  single?: boolean;
  /**
   * transformers.js precision variants of `file` are accepted (`_fp16`, `_quantized`, `_q4`, …; dtype-variants.ts):
   * at least one must be present, and every present one is checked. `file` stays the canonical name the
   * cross-file checks use.
   */
  variants?: boolean;
}

export interface FileRule {
  /** Accepted paths, relative to the model folder; the first is the one named when all are missing. */
  anyOf: string[];
  what: string;
  json?: boolean;
  /**
   * For a JSON file: top-level fields it must have, with their JSON type. A file can parse and still be useless
   * (a tokenizer.json without its `model` loads nothing), and it is better refused at import than at first use.
   */
  fields?: { name: string; type: 'object' | 'string'; what: string }[];
  /** How to get the file when it is missing. */
  hint?: string;
}

export type ProblemCode =
  | 'missing-file'
  | 'not-a-file'
  | 'partial-download'
  | 'bad-json'
  | 'missing-field'
  | 'bad-config'
  | 'unreadable-onnx'
  | 'truncated-onnx'
  | 'lfs-pointer'
  | 'missing-input'
  | 'missing-output'
  | 'unexpected-input'
  | 'wrong-count'
  | 'wrong-dtype'
  | 'wrong-rank'
  | 'wrong-dim'
  | 'mismatch'
  | 'missing-external-data'
  | 'short-external-data'
  | 'external-data-outside';

/** One thing wrong with a model folder, naming the file and the exact tensor or field. */
export interface ValidationProblem {
  code: ProblemCode;
  /** Relative to the model folder. */
  file: string;
  /** "input 'sample'", "output 'text_embeds'", "field model_type", "tensor 'w' (external data)". */
  subject?: string;
  expected?: string;
  found?: string;
  /** The whole sentence, ready to show. */
  message: string;
}

/** For each checked ONNX file: canonical tensor name → the tensor the model actually declares. */
export type MatchedTensors = Record<string, Record<string, TensorSignature>>;

export interface Layout {
  id: string;
  description: string;
  files: FileRule[];
  onnx: OnnxRule[];
  /** Problems found while choosing the layout (an unsupported architecture in config.json). */
  configProblems?: ValidationProblem[];
  /** Checks across files (the text and image embedding widths agree). */
  crossCheck?: (matched: MatchedTensors) => ValidationProblem[];
  /** Checks needing more than the matched tensors: every declared input, weights' shapes, the folder's other files. */
  signatureCheck?: (onnx: Record<string, OnnxSignature>, ctx: LayoutContext) => ValidationProblem[];
}

export interface LayoutContext {
  root: string;
  /** For a single-file role given a file: that file, relative to root. */
  entry?: string;
  /** Parsed JSON of a file in the folder, undefined when absent or unparsable (reported by the file rules). */
  readJson(rel: string): unknown;
  exists(rel: string): boolean;
}

export interface RoleContract {
  role: ModelRole;
  description: string;
  /** The layouts this role accepts for this folder, preferred first. */
  layouts(ctx: LayoutContext): Layout[];
}

export type { OnnxSignature, TensorSignature };
