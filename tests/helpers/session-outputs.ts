import type * as ort from 'onnxruntime-node';

/** The named outputs of a session run, or an error naming the one the model did not produce. */
export function pick<K extends string>(result: Record<string, ort.Tensor>, ...names: K[]): Record<K, ort.Tensor> {
  const out = {} as Record<K, ort.Tensor>;
  for (const name of names) {
    const t = result[name];
    if (!t) throw new Error(`session produced no output "${name}" (got ${Object.keys(result).join(', ')})`);
    out[name] = t;
  }
  return out;
}
