/**
 * Projection training step throughput (forward + loss + vjp gradient + Adam, the real trainProjection loop)
 * on random 512-d features, 1000 InD classes + 5,600 assigned labels, batch 128, CPU; against torch CPU doing
 * the same step with the same thread count (bench/train-torch-reference.py, Debian's /usr/bin/python3).
 * Run: npx tsx bench/train.bench.ts [--steps N]
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { SeededRandom } from '../src/main/pipeline/train/seeded-random';
import { trainProjection } from '../src/main/pipeline/train/projection-trainer';

const DIM = 512;
const CLASSES = 1000 + 5600;
const BATCH = 128;
const WARMUP = 3;

function argSteps(): number {
  const i = process.argv.indexOf('--steps');
  return i >= 0 ? Number(process.argv[i + 1]) : 40;
}

function randomNormal(rng: SeededRandom, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rng.next()));
    const t = 2 * Math.PI * rng.next();
    out[i] = r * Math.cos(t);
    if (i + 1 < n) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

async function ours(steps: number, threads: number): Promise<number> {
  const rng = new SeededRandom(1);
  const n = BATCH * (steps + WARMUP);
  const features = randomNormal(rng, n * DIM);
  const targets = Int32Array.from({ length: n }, () => Math.floor(rng.next() * CLASSES));
  const textFeatures = randomNormal(rng, CLASSES * DIM);
  let start = 0;
  let end = 0;
  await trainProjection(
    { dim: DIM, features, targets, textFeatures },
    {
      epochs: 1,
      batchSize: BATCH,
      providers: ['cpu'],
      intraOpNumThreads: threads,
      onStep: (m) => {
        // Timing starts once the warm-up steps are done (first runs pay for ORT's allocations).
        if (m.globalStep === WARMUP - 1) start = performance.now();
        end = performance.now();
      },
    },
  );
  return (steps * BATCH) / ((end - start) / 1000);
}

interface TorchResult {
  samples_per_s: number;
  torch: string;
  blas: string;
}

function torchReference(steps: number, threads: number): TorchResult | undefined {
  const python = '/usr/bin/python3';
  if (!existsSync(python)) return undefined;
  try {
    const out = execFileSync(python, [join(__dirname, 'train-torch-reference.py'), ...[DIM, CLASSES, BATCH, steps, WARMUP, threads].map(String)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(out.trim().split('\n').pop()!) as TorchResult;
  } catch (e) {
    console.log(`torch reference unavailable: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const steps = argSteps();
  const threads = Number(process.env.SYNOOD_THREADS ?? cpus().length);
  console.log(`projection training step: d=${DIM}, classes=${CLASSES}, batch=${BATCH}, ${steps} timed steps, ${threads} threads, CPU`);
  const ourRate = await ours(steps, threads);
  console.log(`onnxruntime (vjp graph) + TS Adam: ${ourRate.toFixed(1)} samples/s (${((BATCH / ourRate) * 1000).toFixed(1)} ms/step)`);
  const torch = torchReference(steps, threads);
  const torchRate = torch?.samples_per_s;
  if (torch && torchRate !== undefined) {
    console.log(`torch ${torch.torch} CPU reference (BLAS: ${torch.blas}): ${torchRate.toFixed(1)} samples/s (${((BATCH / torchRate) * 1000).toFixed(1)} ms/step)`);
  }
  const ratio = torchRate === undefined ? 'NA' : (ourRate / torchRate).toFixed(3);
  console.log(`RESULT train_samples_per_s=${ourRate.toFixed(1)} torch_samples_per_s=${torchRate === undefined ? 'NA' : torchRate.toFixed(1)} train_speed_vs_torch=${ratio}`);
}

void main();
