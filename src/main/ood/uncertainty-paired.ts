import { DEFAULT_RECALL_LEVEL } from './metrics';
import { quantileSortedLinear } from './quantile';
import { DEFAULT_LEVEL, DEFAULT_RESAMPLES, fprCut, IndexStream, prefixSums, prepareInd, prepareOod, type BootstrapOptions, type PreparedInd, type PreparedOod } from './uncertainty';

/**
 * Paired bootstrap of the difference between two runs scored on the same samples: each resample draws one set of
 * InD indices and one set of OOD indices and applies them to both runs, so whatever the two share (the same hard
 * images) cancels in the difference. Used for FPR95, which has no closed-form variance; AUROC's p-value comes from
 * DeLong's test (uncertainty-delong.ts), the bootstrap also gives its difference an interval.
 *
 * p-value (two-sided): the bootstrap distribution of δ_b − δ̂ stands in for the null distribution of δ̂,
 * p = (1 + #{b : |δ_b − δ̂| ≥ |δ̂|}) / (B + 1). δ̂ = 0 gives p = 1.
 */

export interface PairedSet {
  name: string;
  /** Same length and sample order in both runs. */
  indA: ArrayLike<number>;
  oodA: ArrayLike<number>;
  indB: ArrayLike<number>;
  oodB: ArrayLike<number>;
}

export interface PairedDelta {
  /** A − B on the observed samples. */
  delta: number;
  lo: number;
  hi: number;
  se: number;
  p: number;
}

export interface PairedResult {
  resamples: number;
  seed: number;
  level: number;
  sets: { name: string; auroc: PairedDelta; fpr95: PairedDelta }[];
  average: { auroc: PairedDelta; fpr95: PairedDelta };
}

function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Pool {
  n: number;
  rawA: ArrayLike<number>;
  rawB: ArrayLike<number>;
  a: PreparedInd;
  b: PreparedInd;
}

export function pairedDelta(observed: number, replicates: Float64Array, level: number): PairedDelta {
  const B = replicates.length;
  const sorted = Float64Array.from(replicates).sort();
  let mean = 0;
  for (let b = 0; b < B; b++) mean += sorted[b]!;
  mean /= B;
  let ss = 0;
  let extreme = 0;
  const ref = Math.abs(observed);
  for (let b = 0; b < B; b++) {
    ss += (sorted[b]! - mean) ** 2;
    // A tolerance of a few ulps: replicate and observed differences are sums of the same counts in another order.
    if (Math.abs(sorted[b]! - observed) >= ref - 1e-12) extreme++;
  }
  const alpha = (1 - level) / 2;
  return { delta: observed, lo: quantileSortedLinear(sorted, alpha), hi: quantileSortedLinear(sorted, 1 - alpha), se: B > 1 ? Math.sqrt(ss / (B - 1)) : 0, p: Math.min(1, (1 + extreme) / (B + 1)) };
}

export function pairedBootstrap(sets: PairedSet[], opts: BootstrapOptions = {}): PairedResult {
  const B = opts.resamples ?? DEFAULT_RESAMPLES;
  const seed = opts.seed ?? 0;
  const level = opts.level ?? DEFAULT_LEVEL;
  const recall = opts.recallLevel ?? DEFAULT_RECALL_LEVEL;
  if (sets.length === 0) throw new Error('paired bootstrap: no OOD sets given');
  if (!Number.isInteger(B) || B < 2) throw new Error(`resamples must be an integer ≥ 2, got ${B}`);
  const pools: Pool[] = [];
  const prepared: { name: string; pool: number; a: PreparedOod; b: PreparedOod }[] = [];
  for (const s of sets) {
    if (s.indA.length !== s.indB.length || s.oodA.length !== s.oodB.length) throw new Error(`paired bootstrap on '${s.name}': the two runs were not scored on the same samples`);
    let p = pools.findIndex((q) => same(q.rawA, s.indA) && same(q.rawB, s.indB));
    if (p < 0) {
      p = pools.length;
      pools.push({ n: s.indA.length, rawA: s.indA, rawB: s.indB, a: prepareInd(s.indA), b: prepareInd(s.indB) });
    }
    prepared.push({ name: s.name, pool: p, a: prepareOod(pools[p]!.a, s.oodA), b: prepareOod(pools[p]!.b, s.oodB) });
  }
  const S = prepared.length;
  const scratch = pools.map((p) => ({
    c: new Uint32Array(p.n),
    ca: new Uint32Array(p.n),
    cb: new Uint32Array(p.n),
    pa: new Float64Array(p.n + 1),
    pb: new Float64Array(p.n + 1),
  }));
  /** Differences of one resample (draws = null: the observed samples, each OOD sample once). */
  const differences = (pool: Pool, s: (typeof prepared)[number], pa: Float64Array, pb: Float64Array, rng: IndexStream | null) => {
    const n = pool.n;
    const cutA = fprCut(pool.a, pa, n, recall);
    const cutB = fprCut(pool.b, pb, n, recall);
    const posA = cutA.useHi ? s.a.hi : s.a.lo;
    const posB = cutB.useHi ? s.b.hi : s.b.lo;
    const boundA = cutA.bound;
    const boundB = cutB.bound;
    const { lo: loA, hi: hiA } = s.a;
    const { lo: loB, hi: hiB } = s.b;
    const m = s.a.n;
    let ta = 0;
    let tb = 0;
    let fa = 0;
    let fb = 0;
    for (let i = 0; i < m; i++) {
      const j = rng === null ? i : rng.next(m);
      ta += 2 * n - pa[hiA[j]!]! - pa[loA[j]!]!;
      tb += 2 * n - pb[hiB[j]!]! - pb[loB[j]!]!;
      if (posA[j]! >= boundA) fa++;
      if (posB[j]! >= boundB) fb++;
    }
    return { dAuc: (ta - tb) / (2 * n * m), dFpr: (fa - fb) / m };
  };
  const observed = prepared.map((s) => {
    const pool = pools[s.pool]!;
    const ones = new Uint32Array(pool.n).fill(1);
    return differences(pool, s, prefixSums(ones, new Float64Array(pool.n + 1)), prefixSums(ones, new Float64Array(pool.n + 1)), null);
  });
  const dAuc = prepared.map(() => new Float64Array(B));
  const dFpr = prepared.map(() => new Float64Array(B));
  const avgAuc = new Float64Array(B);
  const avgFpr = new Float64Array(B);
  const rng = new IndexStream(seed);
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < pools.length; p++) {
      const pool = pools[p]!;
      const sc = scratch[p]!;
      const { c, ca, cb } = sc;
      const permA = pool.a.perm;
      const permB = pool.b.perm;
      const n = pool.n;
      c.fill(0);
      for (let i = 0; i < n; i++) c[rng.next(n)]!++;
      for (let k = 0; k < n; k++) {
        ca[k] = c[permA[k]!]!;
        cb[k] = c[permB[k]!]!;
      }
      prefixSums(ca, sc.pa);
      prefixSums(cb, sc.pb);
    }
    let sa = 0;
    let sf = 0;
    for (let s = 0; s < S; s++) {
      const set = prepared[s]!;
      const sc = scratch[set.pool]!;
      const r = differences(pools[set.pool]!, set, sc.pa, sc.pb, rng);
      dAuc[s]![b] = r.dAuc;
      dFpr[s]![b] = r.dFpr;
      sa += r.dAuc;
      sf += r.dFpr;
    }
    avgAuc[b] = sa / S;
    avgFpr[b] = sf / S;
  }
  const mean = (f: (o: { dAuc: number; dFpr: number }) => number) => observed.reduce((acc, o) => acc + f(o), 0) / S;
  return {
    resamples: B,
    seed,
    level,
    sets: prepared.map((s, k) => ({ name: s.name, auroc: pairedDelta(observed[k]!.dAuc, dAuc[k]!, level), fpr95: pairedDelta(observed[k]!.dFpr, dFpr[k]!, level) })),
    average: { auroc: pairedDelta(mean((o) => o.dAuc), avgAuc, level), fpr95: pairedDelta(mean((o) => o.dFpr), avgFpr, level) },
  };
}
