/**
 * `synood --help` start time: the esbuild bundle (bin/synood.js → out/cli/index.js, with its freshness check and V8
 * code cache) against the TypeScript sources through tsx (SYNOOD_CLI=source), in the same run, interleaved so both
 * see the same machine load. Reference: `node -e 0`, the floor any Node command pays. Run: npm run bench:cli
 * Goal: bundle ≤ 300 ms (median). Ends with a RESULT line.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'synood.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

interface Variant {
  key: string;
  label: string;
  args: string[];
  env?: Record<string, string>;
  /** stderr must contain this (SYNOOD_CLI_DEBUG's line), so a stale bundle falling back to tsx cannot pass for the bundle */
  expect?: string;
}

const variants: Variant[] = [
  { key: 'node', label: 'node -e 0 (reference)', args: ['-e', '0'] },
  { key: 'bundle', label: 'synood --help, bundle', args: [BIN, '--help'], env: { SYNOOD_CLI_DEBUG: '1' }, expect: 'synood: bundle' },
  { key: 'tsx', label: 'synood --help, tsx', args: [BIN, '--help'], env: { SYNOOD_CLI: 'source', SYNOOD_CLI_DEBUG: '1' }, expect: 'through tsx' },
  { key: 'bundle_metrics', label: 'synood metrics --help, bundle', args: [BIN, 'metrics', '--help'], env: { SYNOOD_CLI_DEBUG: '1' }, expect: 'synood: bundle' },
];

function once(v: Variant): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, v.args, { cwd: ROOT, env: { ...process.env, ...v.env }, encoding: 'utf8' });
  const dt = performance.now() - t;
  if (r.status !== 0) throw new Error(`${v.label}: exit ${r.status}\n${r.stderr}`);
  if (v.expect && !r.stderr.includes(v.expect)) throw new Error(`${v.label}: expected "${v.expect}" on stderr, got: ${r.stderr.trim()}`);
  return dt;
}

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

function main() {
  let t = performance.now();
  const build = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-cli.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`build-cli failed:\n${build.stdout}${build.stderr}`);
  const buildMs = performance.now() - t;
  console.log(build.stdout.trim());
  // Warm-up: the first bundle run writes the code cache, the first tsx run fills tsx's transform cache.
  for (const v of variants) once(v);
  const times = new Map(variants.map((v) => [v.key, [] as number[]]));
  for (let i = 0; i < RUNS; i++) for (const v of variants) times.get(v.key)!.push(once(v));
  const med = (k: string) => q(times.get(k)!, 0.5);
  for (const v of variants) {
    const xs = times.get(v.key)!;
    console.log(`${v.label.padEnd(32)} median ${med(v.key).toFixed(0).padStart(5)} ms  p90 ${q(xs, 0.9).toFixed(0).padStart(5)} ms  min ${Math.min(...xs).toFixed(0).padStart(5)} ms  (${RUNS} runs)`);
  }
  const speedup = med('tsx') / med('bundle');
  console.log(`bundle vs tsx: ${speedup.toFixed(2)}x faster; above bare node: bundle +${(med('bundle') - med('node')).toFixed(0)} ms, tsx +${(med('tsx') - med('node')).toFixed(0)} ms`);
  console.log(`goal: synood --help ≤ 300 ms ${med('bundle') <= 300 ? 'met' : 'MISSED'}`);
  t = med('bundle');
  console.log(
    `RESULT help_bundle_ms=${t.toFixed(0)} help_tsx_ms=${med('tsx').toFixed(0)} speedup=${speedup.toFixed(2)} node_floor_ms=${med('node').toFixed(0)} metrics_help_bundle_ms=${med('bundle_metrics').toFixed(0)} build_ms=${buildMs.toFixed(0)} runs=${RUNS}`,
  );
}

main();
