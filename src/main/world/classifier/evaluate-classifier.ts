import * as ort from 'onnxruntime-node';
import { createSession, type ModelProto } from '../../onnx';
import { WORLD_IMAGE_SIZE } from '../scene';
import type { WorldImage } from '../splits';
import { normalisedBatch } from './pixels';

export interface ClassifierEvaluation {
  /** Fraction of InD images whose argmax is their class (NaN when none are InD). */
  accuracy: number;
  /** Per image: the maximum softmax probability. */
  msp: Float32Array;
  /** Per image: the argmax class. */
  predicted: Int32Array;
}

/** Runs the classifier over images in batches and scores them. */
export async function evaluateWorldClassifier(model: ModelProto | string, images: readonly WorldImage[], opts: { batchSize?: number; intraOpNumThreads?: number } = {}): Promise<ClassifierEvaluation> {
  const handle = await createSession(model, { providers: ['cpu'], intraOpNumThreads: opts.intraOpNumThreads });
  const batchSize = opts.batchSize ?? 100;
  const pixels = images.map((i) => i.pixels);
  const msp = new Float32Array(images.length);
  const predicted = new Int32Array(images.length);
  try {
    for (let start = 0; start < images.length; start += batchSize) {
      const rows = Array.from({ length: Math.min(batchSize, images.length - start) }, (_, i) => start + i);
      const x = new ort.Tensor('float32', normalisedBatch(pixels, rows), [rows.length, 3, WORLD_IMAGE_SIZE, WORLD_IMAGE_SIZE]);
      const out = await handle.run({ input: x });
      const logits = out.logits!.data as Float32Array;
      const c = logits.length / rows.length;
      rows.forEach((r, b) => {
        const row = logits.subarray(b * c, (b + 1) * c);
        const p = softmax(row);
        let arg = 0;
        for (let k = 1; k < c; k++) if (p[k]! > p[arg]!) arg = k;
        predicted[r] = arg;
        msp[r] = p[arg]!;
      });
    }
  } finally {
    await handle.release();
  }
  const ind = images.map((img, i) => [img.indClass, i] as const).filter(([c]) => c !== null);
  const hits = ind.filter(([c, i]) => predicted[i] === c).length;
  return { accuracy: ind.length ? hits / ind.length : NaN, msp, predicted };
}

export function softmax(logits: ArrayLike<number>): Float64Array {
  let m = -Infinity;
  for (let i = 0; i < logits.length; i++) m = Math.max(m, logits[i]!);
  const out = new Float64Array(logits.length);
  let s = 0;
  for (let i = 0; i < logits.length; i++) s += out[i] = Math.exp(logits[i]! - m);
  for (let i = 0; i < logits.length; i++) out[i]! /= s;
  return out;
}
