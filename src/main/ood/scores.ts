import { l2NormalizeRows, matmulTransposed, sliceRows, type Matrix } from './matrix';
import { logSumExp, sigmoid } from './logsumexp';
import { assertPermutation, seededPermutation } from './permutation';

/** CLIP's logit scale: NegLabel, MCM-as-used-here and SynOOD all score with 100·cos. */
export const CLIP_LOGIT_SCALE = 100;

export interface FeatureOptions {
  /** L2-normalise the rows of every input first (set when passing raw encoder outputs). */
  normalize?: boolean;
  /** Logits are logitScale · cos; default 100. */
  logitScale?: number;
  /** Images scored per block; bounds the temporary logit buffer to chunkRows × (K + M) floats. */
  chunkRows?: number;
}

export interface NegLabelOptions extends FeatureOptions {
  /** Number of negative-label groups (official default for ImageNet: 100). */
  ngroups?: number;
  /** Seed of the documented mulberry32 + Fisher–Yates permutation (see permutation.ts). */
  seed?: number;
  /** Explicit order of the kept negatives (length M − M mod ngroups); overrides `seed`. */
  permutation?: ArrayLike<number>;
  /** Softmax temperature applied to the logits, as the official `t` (default 1). */
  temperature?: number;
}

export interface NegativeGroupPlan {
  /** Negatives actually used: the first M − (M mod ngroups) in input order. */
  kept: number;
  /** The last M mod ngroups negatives, dropped before permuting (as the official code does). */
  dropped: number;
  groupSize: number;
  /** order[g·groupSize + i] = index of the i-th negative of group g. */
  order: Int32Array;
}

export function planNegativeGroups(m: number, ngroups: number, seed = 0, permutation?: ArrayLike<number>): NegativeGroupPlan {
  if (!Number.isInteger(ngroups) || ngroups < 1) throw new Error(`ngroups must be a positive integer, got ${ngroups}`);
  if (m < ngroups) throw new Error(`need at least ngroups (${ngroups}) negative labels, got ${m}`);
  const dropped = m % ngroups;
  const kept = m - dropped;
  let order: Int32Array;
  if (permutation) {
    assertPermutation(permutation, kept);
    order = Int32Array.from(permutation);
  } else {
    order = seededPermutation(kept, seed);
  }
  return { kept, dropped, groupSize: kept / ngroups, order };
}

function prepare(m: Matrix, normalize: boolean | undefined): Matrix {
  return normalize ? l2NormalizeRows(m) : m;
}

function gatherRows(m: Matrix, rows: Int32Array): Matrix {
  const out = new Float32Array(rows.length * m.cols);
  for (let i = 0; i < rows.length; i++) out.set(m.data.subarray(rows[i]! * m.cols, (rows[i]! + 1) * m.cols), i * m.cols);
  return { data: out, rows: rows.length, cols: m.cols };
}

function checkDims(images: Matrix, ...others: Matrix[]): void {
  for (const o of others) {
    if (o.cols !== images.cols) throw new Error(`feature dims differ: images ${images.cols}, other ${o.cols}`);
  }
}

/**
 * Streams image rows in blocks and hands each block's logits (logitScale · img · textᵀ) to `score`.
 * Only one block of logits exists at a time, so 50k images × 10k labels never materialise.
 */
function scoreInBlocks(images: Matrix, text: Matrix, opts: FeatureOptions, score: (logits: Float32Array, width: number, row: number) => number): Float32Array {
  const chunk = Math.max(1, opts.chunkRows ?? 256);
  const scale = opts.logitScale ?? CLIP_LOGIT_SCALE;
  const out = new Float32Array(images.rows);
  const buf = new Float32Array(Math.min(chunk, images.rows) * text.rows);
  for (let r0 = 0; r0 < images.rows; r0 += chunk) {
    const r1 = Math.min(images.rows, r0 + chunk);
    matmulTransposed(sliceRows(images, r0, r1), text, scale, buf);
    for (let r = r0; r < r1; r++) out[r] = score(buf, text.rows, r - r0);
  }
  return out;
}

/**
 * NegLabel grouped score (docs/METHOD.md §4): S(x) = mean over groups g of Σ_{k∈InD} softmax([pos, neg_g]/T)_k.
 * The positive mass of a softmax over [pos, neg_g] equals σ(LSE(pos/T) − LSE(neg_g/T)), which is how
 * it is computed: one stable log-sum-exp per group and no overflow for any logit size. With
 * ngroups = 1 this is still the softmax mass (the official code's ngroup = 1 branch returns the raw
 * sum of positive logits instead — a bug not reproduced here). Higher = more InD.
 */
export function negLabelScore(images: Matrix, classes: Matrix, negatives: Matrix, opts: NegLabelOptions = {}): Float32Array {
  checkDims(images, classes, negatives);
  const ngroups = opts.ngroups ?? 100;
  const t = opts.temperature ?? 1;
  if (!(t > 0)) throw new Error(`temperature must be > 0, got ${t}`);
  const plan = planNegativeGroups(negatives.rows, ngroups, opts.seed ?? 0, opts.permutation);
  const img = prepare(images, opts.normalize);
  const cls = prepare(classes, opts.normalize);
  const neg = gatherRows(prepare(negatives, opts.normalize), plan.order);
  // Positives and grouped negatives side by side, so one matrix product serves both.
  const k = cls.rows;
  const text: Matrix = { data: new Float32Array((k + neg.rows) * cls.cols), rows: k + neg.rows, cols: cls.cols };
  text.data.set(cls.data, 0);
  text.data.set(neg.data, k * cls.cols);
  const inv = 1 / t;
  return scoreInBlocks(img, text, opts, (logits, width, row) => {
    const o = row * width;
    const lsePos = logSumExp(logits, o, k, inv);
    let s = 0;
    for (let g = 0; g < ngroups; g++) s += sigmoid(lsePos - logSumExp(logits, o + k + g * plan.groupSize, plan.groupSize, inv));
    return s / ngroups;
  });
}

export interface TemperatureOptions extends FeatureOptions {
  /** Softmax temperature on the logits logitScale·cos (default 1). */
  temperature?: number;
}

/**
 * MCM: max_k softmax(logitScale·cos/T)_k over the InD classes. Note MCM's paper/code apply
 * softmax(cos/τ) with τ = 1 to raw cosines; that equals temperature = 100 here (100·cos/100 = cos).
 * The default T = 1 on 100·cos is CLIP's own zero-shot softmax. Higher = more InD.
 */
export function mcmScore(images: Matrix, classes: Matrix, opts: TemperatureOptions = {}): Float32Array {
  checkDims(images, classes);
  const t = opts.temperature ?? 1;
  if (!(t > 0)) throw new Error(`temperature must be > 0, got ${t}`);
  const inv = 1 / t;
  return scoreInBlocks(prepare(images, opts.normalize), prepare(classes, opts.normalize), opts, (logits, width, row) => {
    const o = row * width;
    let max = -Infinity;
    for (let j = 0; j < width; j++) if (logits[o + j]! > max) max = logits[o + j]!;
    return Math.exp(max * inv - logSumExp(logits, o, width, inv));
  });
}

/** CLIP energy score: T · logsumexp(logitScale·cos/T) over the InD classes (negative free energy). Higher = more InD. */
export function energyScore(images: Matrix, classes: Matrix, opts: TemperatureOptions = {}): Float32Array {
  checkDims(images, classes);
  const t = opts.temperature ?? 1;
  if (!(t > 0)) throw new Error(`temperature must be > 0, got ${t}`);
  const inv = 1 / t;
  return scoreInBlocks(prepare(images, opts.normalize), prepare(classes, opts.normalize), opts, (logits, width, row) => t * logSumExp(logits, row * width, width, inv));
}
