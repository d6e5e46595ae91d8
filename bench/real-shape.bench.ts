/**
 * Real-shape CPU benchmark (npm run bench:real-shape): random weights, real sizes, one run.
 *
 * 1. The guidance step at the paper's shapes: u [1,4,64,64] → SD VAE decoder → 512×512 → antialiased resize,
 *    crop 224 → torchvision ResNet-50 → official loss, forward and forward+VJP to u, through the app's
 *    GuidanceRunner. The decoder and ResNet-50 are built in torch (bench/real-shape-reference.py export) and
 *    exported to ONNX, and the same weights run in torch autograd (…py measure) for the reference.
 * 2. One classifier-free-guidance UNet call (batch 2, 64×64 latent) of the factory's inpainting UNet at SD-2
 *    width (weights in an external .onnx_data file). No torch reference: the factory UNet is not diffusers'.
 * 3. images/hour at the paper's settings (docs/METHOD.md §3: 20 steps at strength 0.6 = 13 UNet calls, 3 guidance
 *    iterations = 3×13 calls, 2 gradient steps, 1 forward decode), extrapolated from 1 and 2; the VAE encodes
 *    (twice per image, each cheaper than one decode) and text encoding are left out.
 *
 * Peak RSS, the same way on both sides: every part runs in a fresh child process (node for ours, python for torch)
 * that loads its models, warms up and runs its reps, and reports its own VmHWM from /proc/self/status, the
 * kernel's resident high-water mark of that process alone (not getrusage, which carries the parent's RSS across
 * exec). So each figure is the whole process: runtime + weights + activations (node + onnxruntime + the app's
 * graph building, against python + torch + autograd's saved tensors). The goal ratio compares these whole
 * peaks; each runtime's idle peak (the same child with its modules imported and nothing run) is printed beside
 * them, and the ratio with both idles subtracted, for reading only.
 *
 * Settings (env): REAL_SHAPE_LATENT (default 64), REAL_SHAPE_REPS (guidance repetitions after a warm-up, 2),
 * REAL_SHAPE_UNET = full (2 ResNet blocks per level, SD-2's depth; default) | reduced (1 block per level) | off,
 * REAL_SHAPE_UNET_REPS (1), REAL_SHAPE_THREADS (2). `--quick` = latent 16, reduced UNet, 1 rep.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { saveModel, type ProviderName } from '../src/main/onnx';
import { buildTinyClassifier, buildVaeDecoder, RESNET50_SHAPES, SD_VAE_SHAPES } from '../src/main/onnx/factory';
import { guidanceStep, peakRssOfThisProcessMb, unetCalls, writeSd2Unet, type GuidanceStepResult, type UnetCallResult } from './real-shape-parts';

const PAPER = { unetCallsPerIteration: 13, iterations: 3 };

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

function settings() {
  const quick = process.argv.includes('--quick');
  const unet = process.env.REAL_SHAPE_UNET ?? (quick ? 'reduced' : 'full');
  if (!['full', 'reduced', 'off'].includes(unet)) throw new Error(`REAL_SHAPE_UNET must be full, reduced or off, got "${unet}"`);
  const provider = (process.env.REAL_SHAPE_PROVIDER ?? 'cpu') as ProviderName;
  return {
    latent: intEnv('REAL_SHAPE_LATENT', quick ? 16 : 64),
    reps: intEnv('REAL_SHAPE_REPS', quick ? 1 : 2),
    unet: unet as 'full' | 'reduced' | 'off',
    unetReps: intEnv('REAL_SHAPE_UNET_REPS', 1),
    threads: intEnv('REAL_SHAPE_THREADS', 2),
    provider,
  };
}

/** Runs this file again as `--child <part> <json args>` and parses the one JSON line it prints. */
function child<T>(part: string, args: unknown): T {
  const out = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', part, JSON.stringify(args)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = out.stdout.trim().split('\n').at(-1) ?? '';
  if (out.status !== 0 || !line.startsWith('{')) throw new Error(`${part} child failed (status ${out.status}): ${out.stderr.trim().split('\n').slice(-5).join('\n')}`);
  return JSON.parse(line) as T;
}

interface TorchStep {
  torch: string;
  forward_ms: number;
  step_ms: number;
  step_min_ms: number;
  peak_rss_mb: number;
}

const SCRIPT = resolve(__dirname, 'real-shape-reference.py');
const PYTHON = '/usr/bin/python3';

function python(args: string[]): string | null {
  if (!existsSync(PYTHON)) return null;
  const out = spawnSync(PYTHON, [SCRIPT, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = out.stdout.trim().split('\n').at(-1) ?? '';
  if (out.status !== 0 || !line.startsWith('{')) {
    console.log(`torch side unavailable: ${out.stderr.trim().split('\n').at(-1) ?? 'no output'}`);
    return null;
  }
  return line;
}

/** The torch-exported decoder and ResNet-50, or (no torch here) the factory's models of the same geometry. */
function guidanceModels(dir: string, latent: number): { decoder: string; classifier: string; fromTorch: boolean } {
  const decoder = join(dir, 'vae_decoder.onnx');
  const classifier = join(dir, 'resnet50.onnx');
  if (python(['export', dir, '--latent', String(latent)])) return { decoder, classifier, fromTorch: true };
  writeFileSync(decoder, saveModel(buildVaeDecoder({ ...SD_VAE_SHAPES, imageSize: 8 * latent, batch: 1 })));
  writeFileSync(classifier, saveModel(buildTinyClassifier({ ...RESNET50_SHAPES, seed: 0 })));
  return { decoder, classifier, fromTorch: false };
}

const fmt = (ms: number) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);

async function main(): Promise<void> {
  const s = settings();
  const dir = mkdtempSync(join(tmpdir(), 'real-shape-'));
  try {
    console.log(`real-shape bench: latent ${s.latent}×${s.latent} (image ${8 * s.latent}), ${s.provider} provider, ${s.threads} threads, guidance reps ${s.reps}, UNet ${s.unet}`);
    const models = guidanceModels(dir, s.latent);
    console.log(`guidance models: ${models.fromTorch ? 'exported from torch (same weights on both sides)' : 'factory geometry (no torch: no reference)'}`);

    const ours = child<GuidanceStepResult>('guidance', { ...models, latent: s.latent, reps: s.reps, provider: s.provider, threads: s.threads });
    console.log(`ours : graph build ${fmt(ours.buildMs)}, forward ${fmt(ours.forwardMs)}, forward+VJP ${fmt(ours.stepMs)} (min ${fmt(ours.stepMinMs)}), peak RSS ${ours.peakRssMb.toFixed(0)} MB`);
    const torchLine = models.fromTorch ? python(['measure', '--latent', String(s.latent), '--threads', String(s.threads), '--reps', String(s.reps)]) : null;
    const torch = torchLine ? (JSON.parse(torchLine) as TorchStep) : null;
    const idle = { ours: child<{ peakRssMb: number }>('idle', {}).peakRssMb, torch: torch ? (JSON.parse(python(['idle']) ?? '{"peak_rss_mb":0}') as { peak_rss_mb: number }).peak_rss_mb : 0 };
    if (torch) {
      console.log(`torch ${torch.torch}: forward ${fmt(torch.forward_ms)}, forward+backward ${fmt(torch.step_ms)} (min ${fmt(torch.step_min_ms)}), peak RSS ${torch.peak_rss_mb.toFixed(0)} MB`);
      console.log(`idle peak RSS (modules imported, nothing run): ours ${idle.ours.toFixed(0)} MB, torch ${idle.torch.toFixed(0)} MB; above idle: ours ${(ours.peakRssMb - idle.ours).toFixed(0)} MB, torch ${(torch.peak_rss_mb - idle.torch).toFixed(0)} MB (${((ours.peakRssMb - idle.ours) / (torch.peak_rss_mb - idle.torch)).toFixed(2)}x)`);
      console.log(`ratios ours/torch: step time ${(ours.stepMs / torch.step_ms).toFixed(2)}x (goal ≤ 0.8), peak RSS ${(ours.peakRssMb / torch.peak_rss_mb).toFixed(2)}x (goal ≤ 1.2, whole processes)`);
    }

    let unet: (UnetCallResult & { parameters: number }) | null = null;
    if (s.unet !== 'off') {
      const path = join(dir, 'unet.onnx');
      const layers = s.unet === 'full' ? 2 : 1;
      const built = child<{ parameters: number; buildMs: number }>('unet-build', { path, latent: s.latent, layers });
      console.log(`UNet (factory, SD-2 width, ${layers} block(s) per level): ${(built.parameters / 1e6).toFixed(0)}M parameters, built in ${fmt(built.buildMs)}`);
      unet = { ...child<UnetCallResult>('unet-run', { path, latent: s.latent, reps: s.unetReps, provider: s.provider, threads: s.threads }), parameters: built.parameters };
      console.log(`UNet CFG call (batch 2): ${fmt(unet.callMs)} (load ${fmt(unet.loadMs)}), peak RSS ${unet.peakRssMb.toFixed(0)} MB`);
    }

    const result: Record<string, string> = {
      latent: String(s.latent),
      step_ms: ours.stepMs.toFixed(0),
      step_rss_mb: ours.peakRssMb.toFixed(0),
    };
    if (torch) {
      Object.assign(result, {
        torch_step_ms: torch.step_ms.toFixed(0),
        torch_step_rss_mb: torch.peak_rss_mb.toFixed(0),
        time_ratio: (ours.stepMs / torch.step_ms).toFixed(2),
        rss_ratio: (ours.peakRssMb / torch.peak_rss_mb).toFixed(2),
        rss_above_idle_ratio: ((ours.peakRssMb - idle.ours) / (torch.peak_rss_mb - idle.torch)).toFixed(2),
      });
    }
    if (unet) {
      const perImageMs = PAPER.iterations * PAPER.unetCallsPerIteration * unet.callMs + (PAPER.iterations - 1) * ours.stepMs + ours.forwardMs;
      const imagesPerHour = 3_600_000 / perImageMs;
      console.log(`per image at the paper's settings: ${PAPER.iterations}×${PAPER.unetCallsPerIteration} UNet calls + ${PAPER.iterations - 1} gradient steps + 1 decode = ${fmt(perImageMs)} → ${imagesPerHour.toFixed(2)} images/hour`);
      Object.assign(result, { unet: s.unet, unet_call_ms: unet.callMs.toFixed(0), unet_rss_mb: unet.peakRssMb.toFixed(0), images_per_hour: imagesPerHour.toFixed(2) });
    }
    console.log(`RESULT ${Object.entries(result).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ChildArgs {
  decoder: string;
  classifier: string;
  path: string;
  latent: number;
  reps: number;
  layers: number;
  provider: ProviderName;
  threads: number;
}

async function runChild(part: string, raw: string): Promise<void> {
  // The parent wrote these arguments (spawnPart) for this part: each part reads the fields it was given.
  const a = JSON.parse(raw) as ChildArgs;
  if (part === 'idle') {
    console.log(JSON.stringify({ peakRssMb: peakRssOfThisProcessMb() }));
  } else if (part === 'guidance') {
    console.log(JSON.stringify(await guidanceStep(a.decoder, a.classifier, a.latent, a.reps, a.provider, a.threads)));
  } else if (part === 'unet-build') {
    const t0 = performance.now();
    const { parameters } = writeSd2Unet(a.path, a.latent, a.layers);
    console.log(JSON.stringify({ parameters, buildMs: performance.now() - t0 }));
  } else if (part === 'unet-run') {
    console.log(JSON.stringify(await unetCalls(a.path, a.latent, a.reps, a.provider, a.threads)));
  } else {
    throw new Error(`unknown child part "${part}"`);
  }
}

const childAt = process.argv.indexOf('--child');
(childAt >= 0 ? runChild(process.argv[childAt + 1]!, process.argv[childAt + 2]!) : main()).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
