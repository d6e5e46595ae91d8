import * as ort from 'onnxruntime-node';

/** Checks the shape facts every trainer needs, with messages that name the offending input. */
export function validateSamples(what: { features: Float32Array; targets: Int32Array; dim: number; numClasses: number; featureName: string; className: string }): number {
  const { features, targets, dim, numClasses, featureName, className } = what;
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`feature size must be a positive integer, got ${dim}`);
  if (numClasses === 0) throw new Error(`the ${className} set is empty: nothing to classify into`);
  if (features.length % dim !== 0) throw new Error(`${featureName} have ${features.length} values, not a multiple of the feature size ${dim}`);
  const n = features.length / dim;
  if (n === 0) throw new Error(`zero training samples: ${featureName} are empty`);
  if (targets.length !== n) throw new Error(`${n} ${featureName} but ${targets.length} targets`);
  for (let i = 0; i < n; i++) {
    const t = targets[i]!;
    if (!Number.isInteger(t) || t < 0 || t >= numClasses) throw new Error(`target ${i} is ${t}, outside 0..${numClasses - 1} (${className})`);
  }
  return n;
}

export function checkRowMultiple(values: Float32Array, dim: number, name: string): number {
  if (values.length % dim !== 0) throw new Error(`${name} have ${values.length} values, not a multiple of the feature size ${dim}`);
  return values.length / dim;
}

/** L2-normalised copy of the rows of [n, dim]; torch F.normalize's eps keeps a zero row at zero. */
export function normalizedRows(values: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < values.length / dim; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += values[r * dim + j]! ** 2;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let j = 0; j < dim; j++) out[r * dim + j] = values[r * dim + j]! * inv;
  }
  return out;
}

/** Feeds for one mini-batch: the selected feature rows [B, dim] and their int64 targets [B]. */
export function batchTensors(features: Float32Array, targets: Int32Array, dim: number, batch: Int32Array): { x: ort.Tensor; y: ort.Tensor } {
  const x = new Float32Array(batch.length * dim);
  const y = new BigInt64Array(batch.length);
  for (let i = 0; i < batch.length; i++) {
    const r = batch[i]!;
    x.set(features.subarray(r * dim, (r + 1) * dim), i * dim);
    y[i] = BigInt(targets[r]!);
  }
  return { x: new ort.Tensor('float32', x, [batch.length, dim]), y: new ort.Tensor('int64', y, [batch.length]) };
}
