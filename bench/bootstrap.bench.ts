/**
 * Uncertainty on a paper-sized evaluation: 50k InD scores against 4 OOD sets of 10k each.
 * Run: npm run bench:bootstrap  (npx tsx bench/bootstrap.bench.ts [resamples])
 * Times, each the median of 3 runs:
 * - bootstrap: stratified bootstrap percentile intervals for AUROC and FPR95 of the 4 sets and their average,
 *   1 000 resamples (src/main/ood/uncertainty.ts);
 * - delong: the paired DeLong test (Sun & Xu) of two runs on every set (src/main/ood/uncertainty-delong.ts);
 * - paired: the paired bootstrap of the two runs' differences, 1 000 resamples (src/main/ood/uncertainty-paired.ts).
 * Wall and CPU time are both reported: on a shared machine the wall time includes waiting for a core.
 * Ends with one `RESULT key=value ...` line.
 */
import os from 'node:os';
import { bootstrapRun, prepareRun } from '../src/main/ood/uncertainty';
import { delongPaired } from '../src/main/ood/uncertainty-delong';
import { pairedBootstrap } from '../src/main/ood/uncertainty-paired';
import { mulberry32 } from '../src/main/random/mulberry32';

const N_IND = 50_000;
const N_OOD = 10_000;
const SETS = 4;
const RESAMPLES = Number(process.argv[2] ?? 1000);
const REPEATS = 3;

const rand = mulberry32(2024);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
// Float32 scores, as the evaluation writes them (some ties).
const ind = Float32Array.from({ length: N_IND }, () => 1.5 + gaussian());
const oods = Array.from({ length: SETS }, (_, s) => Float32Array.from({ length: N_OOD }, () => 0.2 * s + gaussian()));
const indB = Float32Array.from(ind, (v) => v + 0.4 * gaussian());
const oodsB = oods.map((o) => Float32Array.from(o, (v) => v + 0.4 * gaussian()));
const sets = oods.map((ood, s) => ({ name: `ood-${s}`, ind, ood }));

const cpuTimes = new Map<string, number>();
/** Median wall time of REPEATS runs; the median CPU time (user + system of this process) is kept beside it. */
function median(f: () => void, key = ''): number {
  const t: number[] = [];
  const c: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    f();
    t.push(performance.now() - t0);
    const dc = process.cpuUsage(c0);
    c.push((dc.user + dc.system) / 1000);
  }
  if (key) cpuTimes.set(key, c.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]!);
  return t.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]!;
}

let intervals = bootstrapRun(sets, { resamples: RESAMPLES, seed: 1 });
const bootstrapMs = median(() => {
  intervals = bootstrapRun(sets, { resamples: RESAMPLES, seed: 1 });
}, 'bootstrap');
const prepareMs = median(() => prepareRun(sets));
const delongMs = median(() => {
  for (let s = 0; s < SETS; s++) delongPaired(ind, oods[s]!, indB, oodsB[s]!);
});
const pairedSets = oods.map((ood, s) => ({ name: `ood-${s}`, indA: ind, oodA: ood, indB, oodB: oodsB[s]! }));
let paired = pairedBootstrap(pairedSets, { resamples: RESAMPLES, seed: 1 });
const pairedMs = median(() => {
  paired = pairedBootstrap(pairedSets, { resamples: RESAMPLES, seed: 1 });
}, 'paired');

const pct = (v: number) => (100 * v).toFixed(2);
for (const s of intervals.sets)
  console.log(`${s.name}: AUROC ${pct(s.auroc.estimate)} [${pct(s.auroc.lo)}, ${pct(s.auroc.hi)}]  FPR95 ${pct(s.fpr95.estimate)} [${pct(s.fpr95.lo)}, ${pct(s.fpr95.hi)}]`);
console.log(`average: AUROC ${pct(intervals.average.auroc.estimate)} [${pct(intervals.average.auroc.lo)}, ${pct(intervals.average.auroc.hi)}]  FPR95 ${pct(intervals.average.fpr95.estimate)} [${pct(intervals.average.fpr95.lo)}, ${pct(intervals.average.fpr95.hi)}]`);
const d0 = delongPaired(ind, oods[0]!, indB, oodsB[0]!);
console.log(`ood-0 A−B: ΔAUROC ${pct(d0.delta)} (DeLong p=${d0.p.toExponential(3)}), ΔFPR95 ${pct(paired.sets[0]!.fpr95.delta)} (paired bootstrap p=${paired.sets[0]!.fpr95.p.toFixed(4)})`);
console.log(
  `bootstrap ${RESAMPLES} resamples on ${N_IND} InD × ${SETS}×${N_OOD} OOD: ${bootstrapMs.toFixed(0)} ms (sort once: ${prepareMs.toFixed(0)} ms); DeLong ×${SETS}: ${delongMs.toFixed(0)} ms; paired bootstrap: ${pairedMs.toFixed(0)} ms`,
);
console.log(
  `RESULT n_ind=${N_IND} ood_sets=${SETS} n_ood=${N_OOD} resamples=${RESAMPLES} bootstrap_ms=${bootstrapMs.toFixed(0)} bootstrap_cpu_ms=${cpuTimes.get('bootstrap')!.toFixed(0)} per_resample_us=${((1000 * bootstrapMs) / RESAMPLES).toFixed(0)} prepare_ms=${prepareMs.toFixed(0)} delong_ms=${delongMs.toFixed(0)} paired_bootstrap_ms=${pairedMs.toFixed(0)} paired_bootstrap_cpu_ms=${cpuTimes.get('paired')!.toFixed(0)} load_avg_1m=${os.loadavg()[0]!.toFixed(1)} cpus=${os.cpus().length}`,
);
