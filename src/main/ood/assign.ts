import { l2NormalizeRows, matmulTransposed, sliceRows, type Matrix } from './matrix';
import { CLIP_LOGIT_SCALE } from './scores';

export interface LabelAssignment {
  /** Top-1 negative label index per image (lowest index on an exact tie, like argmax). */
  label: Int32Array;
  /** Its softmax probability. */
  prob: Float32Array;
  /** prob(top-1) − prob(top-2): how clear-cut the assignment is (1 when there is only one label). */
  margin: Float32Array;
}

/**
 * docs/METHOD.md §5: each synthetic image gets the top-1 label of softmax(100·cos) over the negative
 * labels only. Probabilities come from the log-sum-exp, so no exp() of a raw logit can overflow.
 */
export function assignNegativeLabels(images: Matrix, negatives: Matrix, opts: { normalize?: boolean; logitScale?: number; chunkRows?: number } = {}): LabelAssignment {
  if (images.cols !== negatives.cols) throw new Error(`feature dims differ: images ${images.cols}, negatives ${negatives.cols}`);
  if (negatives.rows < 1) throw new Error('assignNegativeLabels: no negative labels');
  const img = opts.normalize ? l2NormalizeRows(images) : images;
  const neg = opts.normalize ? l2NormalizeRows(negatives) : negatives;
  const scale = opts.logitScale ?? CLIP_LOGIT_SCALE;
  const chunk = Math.max(1, opts.chunkRows ?? 256);
  const m = neg.rows;
  const label = new Int32Array(img.rows);
  const prob = new Float32Array(img.rows);
  const margin = new Float32Array(img.rows);
  const buf = new Float32Array(Math.min(chunk, img.rows) * m);
  for (let r0 = 0; r0 < img.rows; r0 += chunk) {
    const r1 = Math.min(img.rows, r0 + chunk);
    matmulTransposed(sliceRows(img, r0, r1), neg, scale, buf);
    for (let r = r0; r < r1; r++) {
      const o = (r - r0) * m;
      let best = 0;
      let second = -1;
      for (let j = 1; j < m; j++) {
        const v = buf[o + j]!;
        if (v > buf[o + best]!) {
          second = best;
          best = j;
        } else if (second < 0 || v > buf[o + second]!) {
          second = j;
        }
      }
      const top = buf[o + best]!;
      let z = 0;
      for (let j = 0; j < m; j++) z += Math.exp(buf[o + j]! - top);
      label[r] = best;
      prob[r] = 1 / z;
      margin[r] = second < 0 ? 1 : (1 - Math.exp(buf[o + second]! - top)) / z;
    }
  }
  return { label, prob, margin };
}

/** Number of distinct labels used (M' in docs/METHOD.md §5). */
export function distinctLabelCount(assignment: LabelAssignment): number {
  return new Set(assignment.label).size;
}
