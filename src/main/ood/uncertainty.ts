import { DEFAULT_RECALL_LEVEL } from './metrics';
import { quantileSortedLinear } from './quantile';

/**
 * Confidence intervals for AUROC and FPR95 (the InD-positive MOS convention the paper tables use, see metrics.ts)
 * by stratified bootstrap: InD and OOD are resampled separately, with replacement, at their own sizes.
 *
 * How it stays fast (docs/METHOD.md §9): the scores are sorted once. A resample is then only a vector of counts
 * per sorted position (how often each sample was drawn), never a sorted copy:
 * - InD counts c over the InD sorted positions give prefix sums P (P[k] = Σ_{i<k} c_i).
 * - Each OOD sample j knows lo_j = #InD < t_j and hi_j = #InD ≤ t_j (found once by merging the sorted arrays), so a
 *   drawn OOD sample adds 2n − P[hi_j] − P[lo_j] to twice the count of (InD > OOD) pairs plus ties: AUROC from rank
 *   sums with ties, exactly the trapezoid of roc_auc_score, in integer arithmetic.
 * - The FPR95 threshold depends on the InD draw only: one walk down the InD groups (distinct values) with their
 *   resampled weights finds the recall nearest 0.95 by the MOS rule, and each drawn OOD sample is then counted with
 *   one comparison of lo_j or hi_j against a position.
 * One InD draw is shared by every OOD set evaluated against the same InD scores, so the "Average" column gets its
 * own interval from the same resamples. Cost per resample: O(n_InD + Σ n_OOD), no sorting.
 */

export interface Interval {
  /** The metric on the observed samples. */
  estimate: number;
  /** Percentile interval bounds at the requested level. */
  lo: number;
  hi: number;
  /** Standard deviation of the bootstrap replicates (ddof 1): the bootstrap standard error. */
  se: number;
}

export interface BootstrapOptions {
  /** Number of resamples (≥ 1 000 for reported intervals). */
  resamples?: number;
  /** Seed of the mulberry32 stream: the same seed and inputs give the same intervals. */
  seed?: number;
  /** Coverage of the percentile interval. */
  level?: number;
  recallLevel?: number;
}

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_LEVEL = 0.95;

/** InD scores prepared for resampling: sorted once, grouped by distinct value. */
export interface PreparedInd {
  n: number;
  /** Ascending. */
  sorted: Float64Array;
  /** perm[k]: original index of sorted position k. */
  perm: Uint32Array;
  /** Distinct values ascending: group g spans sorted positions [groupStart[g], groupEnd[g]). */
  groupStart: Uint32Array;
  groupEnd: Uint32Array;
}

/** OOD scores located among one PreparedInd, per original OOD index. */
export interface PreparedOod {
  n: number;
  /** #InD strictly below t_j. */
  lo: Uint32Array;
  /** #InD at or below t_j. */
  hi: Uint32Array;
}

function checkFinite(a: ArrayLike<number>, what: string): void {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new Error(`${what} score #${i + 1} is not a finite number (${a[i]})`);
}

/** Indices 0..n−1 ordered by value ascending (stable). */
export function argsort(values: ArrayLike<number>): Uint32Array {
  const idx = new Uint32Array(values.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => values[a]! - values[b]! || a - b);
}

export function prepareInd(ind: ArrayLike<number>): PreparedInd {
  checkFinite(ind, 'InD');
  if (ind.length === 0) throw new Error('uncertainty: no InD scores');
  const perm = argsort(ind);
  const n = ind.length;
  const sorted = new Float64Array(n);
  for (let k = 0; k < n; k++) sorted[k] = ind[perm[k]!]!;
  const starts: number[] = [];
  for (let k = 0; k < n; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) starts.push(k);
  const groupStart = Uint32Array.from(starts);
  const groupEnd = new Uint32Array(starts.length);
  for (let g = 0; g < starts.length; g++) groupEnd[g] = g + 1 < starts.length ? starts[g + 1]! : n;
  return { n, sorted, perm, groupStart, groupEnd };
}

export function prepareOod(ind: PreparedInd, ood: ArrayLike<number>): PreparedOod {
  checkFinite(ood, 'OOD');
  if (ood.length === 0) throw new Error('uncertainty: no OOD scores');
  const order = argsort(ood);
  const lo = new Uint32Array(ood.length);
  const hi = new Uint32Array(ood.length);
  const a = ind.sorted;
  let pLo = 0;
  let pHi = 0;
  for (let r = 0; r < order.length; r++) {
    const j = order[r]!;
    const t = ood[j]!;
    while (pLo < a.length && a[pLo]! < t) pLo++;
    if (pHi < pLo) pHi = pLo;
    while (pHi < a.length && a[pHi]! <= t) pHi++;
    lo[j] = pLo;
    hi[j] = pHi;
  }
  return { n: ood.length, lo, hi };
}

/** Prefix sums of counts per sorted position: P[k] = Σ_{i<k} counts[i]. */
export function prefixSums(counts: Uint32Array, out: Float64Array): Float64Array {
  let s = 0;
  out[0] = 0;
  for (let k = 0; k < counts.length; k++) {
    s += counts[k]!;
    out[k + 1] = s;
  }
  return out;
}

/**
 * The FPR95 (MOS) cut for resampled InD weights: an OOD sample j counts as a false positive iff
 * (useHi ? hi_j : lo_j) ≥ bound. Mirrors fprAtRecallMos on the resampled tie table: walking the distinct scores
 * downwards, the last group with minimal |recall − level| (stopping at recall 1) is the threshold group; OOD-only
 * groups between it and the next InD value below carry the same recall, so the threshold sinks to just above that
 * value (OOD with t > v_next count), unless the walk ended at recall 1 (then OOD with t ≥ v_min count).
 */
export interface FprCut {
  useHi: boolean;
  bound: number;
}

export function fprCut(ind: PreparedInd, P: Float64Array, total: number, recallLevel: number): FprCut {
  const { groupStart, groupEnd } = ind;
  const G = groupStart.length;
  const weight = (g: number) => P[groupEnd[g]!]! - P[groupStart[g]!]!;
  // c(g) = total − P[groupStart[g]]: the InD weight at or above group g, growing as g falls. |c/total − level| is
  // V-shaped in c, so the minimum sits at one of the non-empty groups next to where c crosses level·total. Binary
  // search for the crossing (g0: the highest group with c(g0) ≥ level·total), then run the reference rule (walk
  // downwards, keep the last minimum, stop at recall 1) over the two non-empty groups on either side.
  const target = recallLevel * total;
  let lo = 0;
  let hi = G - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (total - P[groupStart[mid]!]! >= target) lo = mid;
    else hi = mid - 1;
  }
  const g0 = lo;
  const candidates: number[] = [];
  for (let g = g0 + 1, k = 0; g < G && k < 2; g++) {
    if (weight(g) === 0) continue;
    candidates.unshift(g);
    k++;
  }
  for (let g = g0, k = 0; g >= 0 && k < 2; g--) {
    if (weight(g) === 0) continue;
    candidates.push(g);
    k++;
  }
  // candidates are in descending group order now: the walk's order.
  let best = Infinity;
  let bestG = -1;
  let bestC = 0;
  for (const g of candidates) {
    const c = total - P[groupStart[g]!]!;
    const d = Math.abs(c / total - recallLevel);
    if (d <= best) {
      best = d;
      bestG = g;
      bestC = c;
    }
    if (c === total) break;
  }
  if (bestC === total) return { useHi: true, bound: groupEnd[bestG]! };
  let g2 = bestG - 1;
  while (weight(g2) === 0) g2--;
  return { useHi: false, bound: groupEnd[g2]! };
}

/** The reference walk of fprCut over every group (kept for tests: the binary search above must agree with it). */
export function fprCutWalk(ind: PreparedInd, P: Float64Array, total: number, recallLevel: number): FprCut {
  const { groupStart, groupEnd } = ind;
  let c = 0;
  let best = Infinity;
  let bestG = -1;
  let g = groupStart.length - 1;
  for (; g >= 0; g--) {
    const w = P[groupEnd[g]!]! - P[groupStart[g]!]!;
    if (w === 0) continue;
    c += w;
    const d = Math.abs(c / total - recallLevel);
    if (d <= best) {
      best = d;
      bestG = g;
    }
    if (c === total) break;
  }
  if (bestG === g) return { useHi: true, bound: groupEnd[bestG]! };
  let g2 = bestG - 1;
  while (P[groupEnd[g2]!]! - P[groupStart[g2]!]! === 0) g2--;
  return { useHi: false, bound: groupEnd[g2]! };
}

/** AUROC and FPR95 of one resample given as count vectors (InD per sorted position, OOD per original index). */
export function metricsFromCounts(ind: PreparedInd, ood: PreparedOod, indCounts: Uint32Array, oodCounts: Uint32Array, recallLevel = DEFAULT_RECALL_LEVEL): { auroc: number; fpr95: number } {
  const P = prefixSums(indCounts, new Float64Array(ind.n + 1));
  const total = P[ind.n]!;
  const cut = fprCut(ind, P, total, recallLevel);
  const pos = cut.useHi ? ood.hi : ood.lo;
  let twice = 0;
  let fp = 0;
  let m = 0;
  for (let j = 0; j < ood.n; j++) {
    const d = oodCounts[j]!;
    if (d === 0) continue;
    twice += d * (2 * total - P[ood.hi[j]!]! - P[ood.lo[j]!]!);
    if (pos[j]! >= cut.bound) fp += d;
    m += d;
  }
  return { auroc: twice / (2 * total * m), fpr95: fp / m };
}

/**
 * The metrics of a resample given by index arrays into the original InD and OOD scores (what a reference
 * implementation draws): the counts route above, so fixtures can check it resample by resample.
 */
export function metricsForResample(ind: PreparedInd, ood: PreparedOod, indIdx: ArrayLike<number>, oodIdx: ArrayLike<number>, recallLevel = DEFAULT_RECALL_LEVEL): { auroc: number; fpr95: number } {
  const rank = new Uint32Array(ind.n);
  for (let k = 0; k < ind.n; k++) rank[ind.perm[k]!] = k;
  const c = new Uint32Array(ind.n);
  for (let i = 0; i < indIdx.length; i++) c[rank[indIdx[i]!]!]!++;
  const d = new Uint32Array(ood.n);
  for (let i = 0; i < oodIdx.length; i++) d[oodIdx[i]!]!++;
  return metricsFromCounts(ind, ood, c, d, recallLevel);
}

/** One scored OOD set of a run: its InD scores (shared by reference or by content with other sets) and OOD scores. */
export interface ScoreSet {
  name: string;
  ind: ArrayLike<number>;
  ood: ArrayLike<number>;
}

export interface RunIntervals {
  resamples: number;
  seed: number;
  level: number;
  sets: { name: string; auroc: Interval; fpr95: Interval }[];
  /** Unweighted mean over the sets, each resample's mean taken over the same draws. */
  average: { auroc: Interval; fpr95: Interval };
}

function sameScores(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Sets grouped by identical InD scores: one InD draw per group and resample. */
export interface PreparedRun {
  pools: PreparedInd[];
  poolRaw: ArrayLike<number>[];
  sets: { name: string; pool: number; ood: PreparedOod }[];
}

export function prepareRun(sets: ScoreSet[]): PreparedRun {
  if (sets.length === 0) throw new Error('uncertainty: no OOD sets given');
  const pools: PreparedInd[] = [];
  const poolRaw: ArrayLike<number>[] = [];
  const out: PreparedRun['sets'] = [];
  for (const s of sets) {
    let p = poolRaw.findIndex((raw) => sameScores(raw, s.ind));
    if (p < 0) {
      p = pools.length;
      pools.push(prepareInd(s.ind));
      poolRaw.push(s.ind);
    }
    out.push({ name: s.name, pool: p, ood: prepareOod(pools[p]!, s.ood) });
  }
  return { pools, poolRaw, sets: out };
}

/**
 * A seeded stream of uniform integers in [0, n): mulberry32 (src/main/random/mulberry32.ts), bit for bit, with the
 * state kept as an int32 and the mix inlined: this draw is the bootstrap's inner loop. floor(u32·n / 2³²) equals
 * floor(mulberry32Output(state)·n) exactly (both products are exact below 2⁵³).
 */
export class IndexStream {
  private s: number;
  constructor(seed: number) {
    this.s = seed | 0;
  }
  next(n: number): number {
    const s = (this.s = (this.s + 0x6d2b79f5) | 0);
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) * n) / 4294967296);
  }
}

export function summarize(estimate: number, replicates: Float64Array, level: number): Interval {
  const sorted = Float64Array.from(replicates).sort();
  const B = sorted.length;
  let mean = 0;
  for (let b = 0; b < B; b++) mean += sorted[b]!;
  mean /= B;
  let ss = 0;
  for (let b = 0; b < B; b++) ss += (sorted[b]! - mean) ** 2;
  const alpha = (1 - level) / 2;
  return { estimate, lo: quantileSortedLinear(sorted, alpha), hi: quantileSortedLinear(sorted, 1 - alpha), se: B > 1 ? Math.sqrt(ss / (B - 1)) : 0 };
}

/** Draws one stratified resample of every pool and set into the given buffers; returns nothing (buffers hold it). */
export interface ResampleScratch {
  counts: Uint32Array[];
  prefix: Float64Array[];
  cuts: FprCut[];
}

export function newScratch(run: PreparedRun): ResampleScratch {
  return { counts: run.pools.map((p) => new Uint32Array(p.n)), prefix: run.pools.map((p) => new Float64Array(p.n + 1)), cuts: run.pools.map(() => ({ useHi: true, bound: 0 })) };
}

/** Metrics of every set on the observed samples (every count 1): equal to computeOodMetrics' auroc and fpr95Mos. */
export function observedMetrics(run: PreparedRun, recallLevel = DEFAULT_RECALL_LEVEL): { auroc: number; fpr95: number }[] {
  return run.sets.map((s) => {
    const pool = run.pools[s.pool]!;
    return metricsFromCounts(pool, s.ood, new Uint32Array(pool.n).fill(1), new Uint32Array(s.ood.n).fill(1), recallLevel);
  });
}

/**
 * Stratified bootstrap percentile intervals for AUROC and FPR95 of each set and of their average.
 * Deterministic for a given seed, set order and scores.
 */
export function bootstrapRun(sets: ScoreSet[] | PreparedRun, opts: BootstrapOptions = {}): RunIntervals {
  const B = opts.resamples ?? DEFAULT_RESAMPLES;
  const seed = opts.seed ?? 0;
  const level = opts.level ?? DEFAULT_LEVEL;
  const recall = opts.recallLevel ?? DEFAULT_RECALL_LEVEL;
  if (!Number.isInteger(B) || B < 2) throw new Error(`resamples must be an integer ≥ 2, got ${B}`);
  if (!(level > 0 && level < 1)) throw new Error(`level must be in (0, 1), got ${level}`);
  if (!(recall >= 0.5 && recall <= 1)) throw new Error(`recall level must be in [0.5, 1], got ${recall}`);
  const run = Array.isArray(sets) ? prepareRun(sets) : (sets as PreparedRun);
  const S = run.sets.length;
  const observed = observedMetrics(run, recall);
  const auc = run.sets.map(() => new Float64Array(B));
  const fpr = run.sets.map(() => new Float64Array(B));
  const avgAuc = new Float64Array(B);
  const avgFpr = new Float64Array(B);
  const rng = new IndexStream(seed);
  const scratch = newScratch(run);
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < run.pools.length; p++) {
      const pool = run.pools[p]!;
      const c = scratch.counts[p]!;
      c.fill(0);
      for (let i = 0; i < pool.n; i++) c[rng.next(pool.n)]!++;
      prefixSums(c, scratch.prefix[p]!);
      scratch.cuts[p] = fprCut(pool, scratch.prefix[p]!, pool.n, recall);
    }
    let sa = 0;
    let sf = 0;
    for (let s = 0; s < S; s++) {
      const set = run.sets[s]!;
      const P = scratch.prefix[set.pool]!;
      const cut = scratch.cuts[set.pool]!;
      const n = run.pools[set.pool]!.n;
      const { lo, hi } = set.ood;
      const pos = cut.useHi ? hi : lo;
      const bound = cut.bound;
      const m = set.ood.n;
      let twice = 0;
      let fp = 0;
      for (let i = 0; i < m; i++) {
        const j = rng.next(m);
        twice += 2 * n - P[hi[j]!]! - P[lo[j]!]!;
        if (pos[j]! >= bound) fp++;
      }
      const a = twice / (2 * n * m);
      const f = fp / m;
      auc[s]![b] = a;
      fpr[s]![b] = f;
      sa += a;
      sf += f;
    }
    avgAuc[b] = sa / S;
    avgFpr[b] = sf / S;
  }
  const mean = (f: (o: { auroc: number; fpr95: number }) => number) => observed.reduce((acc, o) => acc + f(o), 0) / S;
  return {
    resamples: B,
    seed,
    level,
    sets: run.sets.map((s, k) => ({ name: s.name, auroc: summarize(observed[k]!.auroc, auc[k]!, level), fpr95: summarize(observed[k]!.fpr95, fpr[k]!, level) })),
    average: { auroc: summarize(mean((o) => o.auroc), avgAuc, level), fpr95: summarize(mean((o) => o.fpr95), avgFpr, level) },
  };
}
