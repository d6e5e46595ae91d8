import type * as ort from 'onnxruntime-node';

/** What one model input must look like; `types` lists the element types this pipeline can feed. */
export interface InputSpec {
  name: string;
  ranks: number[];
  types: ort.Tensor.Type[];
}

export interface InputFacts {
  type: ort.Tensor.Type;
  /** Symbolic dims as strings, unknown as null. */
  shape: (number | string | null)[];
}

/** A model folder the pipeline refuses to run, naming the file (and input) at fault. */
export class ModelFolderError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'ModelFolderError';
  }
}

/**
 * Checks a session's declared inputs against what the pipeline will feed, before any image work: a wrong
 * export (say a v-prediction UNet without the 9 inpainting channels, or renamed inputs) fails here with the
 * file and input named, instead of deep inside the first denoising step.
 */
export function checkInputs(session: ort.InferenceSession, file: string, specs: InputSpec[]): Record<string, InputFacts> {
  const facts: Record<string, InputFacts> = {};
  const declared = new Map(session.inputMetadata.map((m) => [m.name, m]));
  for (const spec of specs) {
    const meta = declared.get(spec.name);
    if (!meta) {
      throw new ModelFolderError(file, `missing input "${spec.name}" (the model has: ${[...declared.keys()].join(', ') || 'no inputs'})`);
    }
    if (!meta.isTensor) throw new ModelFolderError(file, `input "${spec.name}" is not a tensor`);
    const shape = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : typeof d === 'string' ? d : null));
    if (!spec.ranks.includes(shape.length)) {
      throw new ModelFolderError(file, `input "${spec.name}" has rank ${shape.length}, expected ${spec.ranks.join(' or ')}`);
    }
    if (!spec.types.includes(meta.type)) {
      throw new ModelFolderError(file, `input "${spec.name}" has type ${meta.type}, expected ${spec.types.join(' or ')}`);
    }
    facts[spec.name] = { type: meta.type, shape };
  }
  const required = session.inputNames.filter((n) => !specs.some((s) => s.name === n));
  if (required.length > 0) throw new ModelFolderError(file, `unexpected extra input(s) ${required.join(', ')} this pipeline cannot feed`);
  return facts;
}

/** A fixed dimension must equal `expected`; symbolic or unknown ones are accepted. */
export function checkDim(file: string, input: string, facts: InputFacts, axis: number, expected: number, what: string): void {
  const d = facts.shape[axis];
  if (typeof d === 'number' && d !== expected) {
    throw new ModelFolderError(file, `input "${input}" has ${what} ${d} at axis ${axis}, expected ${expected}`);
  }
}
