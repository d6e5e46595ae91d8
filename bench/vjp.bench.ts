/**
 * VJP cost on ResNet-50 shapes (npm run bench:vjp).
 *
 * Model: the factory's ResNet-50 geometry (BatchNorm folded into Conv, as torchvision exports it), random
 * weights. For batch 1 and 8 it times, on the CPU execution provider with intraOpNumThreads=2, the forward
 * graph and the VJP graph d logits/d input (random cotangent), interleaving the two so machine noise hits
 * both alike, and reports median-over-median ratios.
 *
 * Peak memory: each graph runs (2 runs at batch 8) in a fresh child process that reports VmHWM from
 * /proc/self/status, the kernel's resident-set high-water mark of the process (node + onnxruntime + the
 * model's weights + all activations). Not getrusage's maxRSS: Linux carries the parent's RSS at fork into
 * the child's maxRSS across exec, which would count the parent's 100 MB model. The same child with no
 * session gives the baseline.
 *
 * With /usr/bin/python3 + torch available it also times torchvision's resnet50 forward and
 * forward+backward-to-input at the same thread count (scripts/torch-check/time_resnet50.py), for context.
 * `--profile` adds onnxruntime's per-op-type profile of the VJP graph at batch 8.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { saveModel, vjp } from '../src/main/onnx';
import { buildTinyClassifier, RESNET50_SHAPES, Rng } from '../src/main/onnx/factory';

const THREADS = 2;
const BATCHES = [1, 8];
const REPS: Record<number, number> = { 1: 15, 8: 7 };
const WARMUP = 2;
const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: THREADS, interOpNumThreads: 1 };

type Graph = 'forward' | 'vjp';

function feedsFor(graph: Graph, batch: number): Record<string, ort.Tensor> {
  const rng = new Rng(batch);
  const feeds: Record<string, ort.Tensor> = { input: new ort.Tensor('float32', rng.normalArray(batch * 3 * 224 * 224, 1), [batch, 3, 224, 224]) };
  if (graph === 'vjp') feeds.grad_logits = new ort.Tensor('float32', rng.normalArray(batch * 1000, 1), [batch, 1000]);
  return feeds;
}

const median = (xs: number[]): number => {
  const m = [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  if (m === undefined) throw new Error('median of no timings');
  return m;
};

interface Timing {
  forward: number;
  vjp: number;
  forwardMin: number;
  vjpMin: number;
}

async function timeInterleaved(paths: Record<Graph, string>, batch: number): Promise<Timing> {
  const sessions = { forward: await ort.InferenceSession.create(paths.forward, SESSION_OPTIONS), vjp: await ort.InferenceSession.create(paths.vjp, SESSION_OPTIONS) };
  const feeds = { forward: feedsFor('forward', batch), vjp: feedsFor('vjp', batch) };
  const times: Record<Graph, number[]> = { forward: [], vjp: [] };
  for (let i = 0; i < WARMUP + REPS[batch]!; i++) {
    for (const g of ['forward', 'vjp'] as const) {
      const t0 = performance.now();
      await sessions[g].run(feeds[g]);
      if (i >= WARMUP) times[g].push(performance.now() - t0);
    }
  }
  await sessions.forward.release();
  await sessions.vjp.release();
  return { forward: median(times.forward), vjp: median(times.vjp), forwardMin: Math.min(...times.forward), vjpMin: Math.min(...times.vjp) };
}

function peakRssOfThisProcessMb(): number {
  const status = existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '';
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
  return Number(hwm ? hwm[1] : process.resourceUsage().maxRSS) / 1024;
}

/** Child mode: `--child <model|none> <batch>` prints the process's peak RSS in MB. */
async function child(modelPath: string, batch: number): Promise<void> {
  if (modelPath !== 'none') {
    const session = await ort.InferenceSession.create(modelPath, SESSION_OPTIONS);
    const graph: Graph = session.inputNames.includes('grad_logits') ? 'vjp' : 'forward';
    for (let i = 0; i < 2; i++) await session.run(feedsFor(graph, batch));
    await session.release();
  }
  console.log(`PEAK_RSS_MB=${peakRssOfThisProcessMb().toFixed(1)}`);
}

function peakRssMb(modelPath: string, batch: number): number {
  // process.execArgv carries tsx's loader flags, so the child runs this same TypeScript file.
  const out = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', modelPath, String(batch)], { encoding: 'utf8' });
  const m = /PEAK_RSS_MB=([\d.]+)/.exec(out.stdout);
  if (!m) throw new Error(`memory child failed: ${out.stderr}`);
  return Number(m[1]);
}

function torchReference(): { b1?: { forward_ms: number; fwd_bwd_ms: number }; b8?: { forward_ms: number; fwd_bwd_ms: number }; torch?: string } | null {
  const script = resolve(__dirname, '../scripts/torch-check/time_resnet50.py');
  if (!existsSync('/usr/bin/python3') || !existsSync(script)) return null;
  const out = spawnSync('/usr/bin/python3', [script, '--threads', String(THREADS), '--batches', BATCHES.join(','), '--reps', '5'], { encoding: 'utf8' });
  const line = out.stdout.trim().split('\n').at(-1);
  if (out.status !== 0 || !line) {
    console.log(`torch reference unavailable: ${out.stderr.trim().split('\n').at(-1) ?? 'no output'}`);
    return null;
  }
  return JSON.parse(line);
}

async function profileVjp(path: string, batch: number, dir: string): Promise<void> {
  const session = await ort.InferenceSession.create(path, { ...SESSION_OPTIONS, enableProfiling: true, profileFilePrefix: join(dir, 'vjp_profile') });
  const feeds = feedsFor('vjp', batch);
  for (let i = 0; i < 3; i++) await session.run(feeds);
  session.endProfiling();
  await session.release();
  const file = readdirJson(dir);
  const events = JSON.parse(readFileSync(file, 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
  const byOp = new Map<string, number>();
  let total = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const op = e.args?.op_name ?? '?';
    byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
    total += e.dur;
  }
  console.log(`VJP graph profile, batch ${batch}, 3 runs (kernel time by op type):`);
  for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`  ${op.padEnd(28)} ${(us / 3000).toFixed(1).padStart(9)} ms/run  ${((100 * us) / total).toFixed(1).padStart(5)}%`);
  }
}

function readdirJson(dir: string): string {
  const f = readdirSync(dir).find((n) => n.startsWith('vjp_profile') && n.endsWith('.json'));
  if (!f) throw new Error('no profile written');
  return join(dir, f);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vjp-bench-'));
  try {
    const t0 = performance.now();
    const model = buildTinyClassifier({ ...RESNET50_SHAPES, seed: 0 });
    const paths = { forward: join(dir, 'forward.onnx'), vjp: join(dir, 'vjp.onnx') };
    writeFileSync(paths.forward, saveModel(model));
    const t1 = performance.now();
    const grad = vjp(model, { of: ['logits'], wrt: ['input'] });
    const vjpBuildMs = performance.now() - t1;
    writeFileSync(paths.vjp, saveModel(grad));
    const countOps = (m: typeof model) => m.graph!.node!.length;
    console.log(`ResNet-50 shapes (BN folded), random weights; model built in ${((t1 - t0) / 1000).toFixed(1)} s; vjp() took ${vjpBuildMs.toFixed(0)} ms`);
    console.log(`forward graph ${countOps(model)} nodes, VJP graph ${countOps(grad)} nodes; CPU EP, intraOpNumThreads=${THREADS}`);

    const ratios: Record<number, number> = {};
    // The fastest runs are shown too: on a shared machine they are the least disturbed by other load.
    const timings: Record<number, Timing> = {};
    for (const batch of BATCHES) {
      timings[batch] = await timeInterleaved(paths, batch);
      ratios[batch] = timings[batch].vjp / timings[batch].forward;
      const t = timings[batch];
      console.log(
        `batch ${batch}: forward ${t.forward.toFixed(1)} ms, VJP ${t.vjp.toFixed(1)} ms (median of ${REPS[batch]}), ratio ${ratios[batch].toFixed(2)}; ` +
          `fastest runs ${t.forwardMin.toFixed(1)} / ${t.vjpMin.toFixed(1)} ms, ratio ${(t.vjpMin / t.forwardMin).toFixed(2)}`,
      );
    }

    const base = peakRssMb('none', 8);
    const fwdPeak = peakRssMb(paths.forward, 8);
    const vjpPeak = peakRssMb(paths.vjp, 8);
    console.log(`peak RSS at batch 8 (child process VmHWM): baseline ${base.toFixed(0)} MB, forward ${fwdPeak.toFixed(0)} MB, VJP ${vjpPeak.toFixed(0)} MB`);

    const torch = torchReference();
    if (torch?.b1 && torch.b8) {
      for (const batch of BATCHES) {
        const t = batch === 1 ? torch.b1 : torch.b8;
        console.log(`torch ${torch.torch} batch ${batch}: forward ${t.forward_ms.toFixed(1)} ms, forward+backward(input) ${t.fwd_bwd_ms.toFixed(1)} ms, ratio ${(t.fwd_bwd_ms / t.forward_ms).toFixed(2)}`);
      }
    }
    if (process.argv.includes('--profile')) await profileVjp(paths.vjp, 8, dir);

    const worst = Math.max(ratios[1]!, ratios[8]!);
    console.log(`target: VJP/forward <= 3.0 -> ${worst <= 3 ? 'met' : 'MISSED'}`);
    const torchPart = torch?.b8 ? ` torch_fwd_ms_b8=${torch.b8.forward_ms.toFixed(1)} torch_fwdbwd_ms_b8=${torch.b8.fwd_bwd_ms.toFixed(1)}` : '';
    console.log(
      `RESULT vjp_over_forward_b1=${ratios[1]!.toFixed(3)} vjp_over_forward_b8=${ratios[8]!.toFixed(3)} vjp_over_forward=${worst.toFixed(3)} ` +
        `forward_ms_b8=${timings[8]!.forward.toFixed(1)} vjp_ms_b8=${timings[8]!.vjp.toFixed(1)} vjp_peak_rss_mb=${vjpPeak.toFixed(0)}${torchPart}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) void child(process.argv[childAt + 1]!, Number(process.argv[childAt + 2]));
else void main();
