import type { ProjectionWeights } from '../train/projection-weights';

/** What the two fine-tuning stages produced. */
export interface TunedModel {
  projection?: ProjectionWeights;
  tunedLabels?: {
    /** Row index into the full negative-label list of each tuned label (length M'). */
    indices: ArrayLike<number>;
    /** [M', dim] the tuned features, in the order of `indices`. */
    features: Float32Array;
  };
}

/**
 * The negative-label features with the tuned ones written over their originals. The tuned rows are raw
 * parameters (any norm); scoring normalises every row.
 */
export function negativesWithTunedLabels(negatives: Float32Array, dim: number, tuned: NonNullable<TunedModel['tunedLabels']>): Float32Array {
  const m = negatives.length / dim;
  if (tuned.features.length !== tuned.indices.length * dim) {
    throw new Error(`tuned label features have ${tuned.features.length} values for ${tuned.indices.length} labels of size ${dim}`);
  }
  const out = negatives.slice();
  const seen = new Set<number>();
  for (let i = 0; i < tuned.indices.length; i++) {
    const r = tuned.indices[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= m) throw new Error(`tuned label ${i} points at negative ${r}, outside 0..${m - 1}`);
    if (seen.has(r)) throw new Error(`negative label ${r} is tuned twice`);
    seen.add(r);
    out.set(tuned.features.subarray(i * dim, (i + 1) * dim), r * dim);
  }
  return out;
}
