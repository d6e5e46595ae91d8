/**
 * OOD metrics on 1M scores (500k InD + 500k OOD): this TS implementation vs scikit-learn on the same
 * scores in the same run. Run: npx tsx bench/metrics.bench.ts
 * Both sides compute AUROC, FPR95 (MOS and OpenOOD conventions), AUPR-In and AUPR-Out.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeOodMetrics } from '../src/main/ood';
import { mulberry32 } from '../src/main/random/mulberry32';
import { z } from 'zod';

const N = 500_000;
const REPEATS = 5;
const PYTHON = '/usr/bin/python3';

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

const rand = mulberry32(12345);
const ind = new Float64Array(N);
const ood = new Float64Array(N);
for (let i = 0; i < N; i++) {
  ind[i] = 1 + gaussian(rand);
  ood[i] = gaussian(rand);
}

const times: number[] = [];
let metrics = computeOodMetrics(ind, ood);
for (let r = 0; r < REPEATS; r++) {
  const t0 = performance.now();
  metrics = computeOodMetrics(ind, ood);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const tsMs = times[Math.floor(REPEATS / 2)]!;
const tsBestMs = times[0]!;
console.log(`TS metrics on ${2 * N} scores: median ${tsMs.toFixed(1)} ms over ${REPEATS} runs (min ${times[0]!.toFixed(1)})`);
console.log(`  auroc=${metrics.auroc.toFixed(6)} fpr95_mos=${metrics.fpr95Mos.toFixed(6)} fpr95_openood=${metrics.fpr95OpenOod.toFixed(6)} aupr_in=${metrics.auprIn.toFixed(6)} aupr_out=${metrics.auprOut.toFixed(6)}`);

// Same metric set as the fixtures script; one call each, timed together.
const SKLEARN = `
import sys, time, json, numpy as np
from sklearn import metrics
ind = np.fromfile(sys.argv[1], dtype=np.float64); ood = np.fromfile(sys.argv[2], dtype=np.float64)
def fpr_mos(y, s, level=0.95):
    y = y == 1
    o = np.argsort(s, kind="mergesort")[::-1]; s = s[o]; y = y[o]
    idx = np.r_[np.where(np.diff(s))[0], y.size - 1]
    tps = np.cumsum(y, dtype=np.float64)[idx]; fps = 1 + idx - tps
    recall = tps / tps[-1]; last = tps.searchsorted(tps[-1]); sl = slice(last, None, -1)
    recall, fps = np.r_[recall[sl], 1], np.r_[fps[sl], 0]
    return fps[np.argmin(np.abs(recall - level))] / np.sum(~y)
best = None
for _ in range(3):
    t0 = time.perf_counter()
    s = np.concatenate([ind, ood]); y = np.concatenate([np.ones(len(ind)), np.zeros(len(ood))]).astype(np.int32)
    auroc = metrics.roc_auc_score(y, s)
    mos = fpr_mos(y, s)
    f, t, _ = metrics.roc_curve(1 - y, -s); openood = f[np.argmax(t >= 0.95)]
    ai = metrics.average_precision_score(y, s); ao = metrics.average_precision_score(1 - y, -s)
    ms = (time.perf_counter() - t0) * 1000
    best = ms if best is None else min(best, ms)
print(json.dumps(dict(ms=best, auroc=auroc, fpr95_mos=float(mos), fpr95_openood=float(openood), aupr_in=ai, aupr_out=ao)))
`;

const SklearnResult = z.object({ ms: z.number(), auroc: z.number(), fpr95_mos: z.number(), fpr95_openood: z.number(), aupr_in: z.number(), aupr_out: z.number() });

let sklearnMs: number | undefined;
if (existsSync(PYTHON)) {
  const dir = mkdtempSync(join(tmpdir(), 'metrics-bench-'));
  try {
    writeFileSync(join(dir, 'ind.f64'), Buffer.from(ind.buffer));
    writeFileSync(join(dir, 'ood.f64'), Buffer.from(ood.buffer));
    writeFileSync(join(dir, 'bench.py'), SKLEARN);
    const run = spawnSync(PYTHON, [join(dir, 'bench.py'), join(dir, 'ind.f64'), join(dir, 'ood.f64')], { encoding: 'utf8' });
    if (run.status === 0) {
      const sk = SklearnResult.parse(JSON.parse(run.stdout));
      sklearnMs = sk.ms;
      console.log(`sklearn (best of 3): ${sk.ms.toFixed(1)} ms`);
      const diff = Math.max(
        Math.abs(sk.auroc - metrics.auroc),
        Math.abs(sk.fpr95_mos - metrics.fpr95Mos),
        Math.abs(sk.fpr95_openood - metrics.fpr95OpenOod),
        Math.abs(sk.aupr_in - metrics.auprIn),
        Math.abs(sk.aupr_out - metrics.auprOut),
      );
      console.log(`  max |TS − sklearn| over the five metrics: ${diff.toExponential(2)}`);
    } else {
      console.log(`sklearn unavailable (${(run.stderr || run.error?.message || '').trim().split('\n').pop()})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log('sklearn unavailable');
}

// The ratio compares best against best (sklearn's best of 3, ours of 5); metrics_ms is our median.
const skPart = sklearnMs === undefined ? 'sklearn_ms=NA speed_vs_sklearn=NA' : `sklearn_ms=${sklearnMs.toFixed(1)} speed_vs_sklearn=${(sklearnMs / tsBestMs).toFixed(2)}`;
console.log(`RESULT metrics_ms=${tsMs.toFixed(1)} metrics_best_ms=${tsBestMs.toFixed(1)} ${skPart}`);
