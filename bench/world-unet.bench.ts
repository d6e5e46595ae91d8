/**
 * The world diffusion model's speed: one UNet call at batch 2 (classifier-free guidance: empty and real prompt in one
 * batch, as the pipeline runs it) and one whole unguided generation (the pipeline's denoise loop: 12 calls at
 * strength 0.6, 20 steps). The world bench runs about 80 such calls per generated image (3 guidance iterations).
 * Reference: a batch-1 call, interleaved. Run: npm run bench:world-unet [-- threads]. Ends with a RESULT line.
 */
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { loadInpaintModels } from '../src/main/pipeline/generate/inpaint-models';
import { generateWithoutGuidance } from '../src/main/world/diffusion/generate-world';
import { worldSplit } from '../src/main/world/splits';

const FOLDER = path.resolve(__dirname, '../resources/world/sd-inpaint');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const threads = Number(process.argv[2] ?? 1);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const models = await loadInpaintModels(FOLDER, { providers: ['cpu'], intraOpNumThreads: threads });
  const call = async (n: number) => {
    const feeds = {
      sample: new ort.Tensor('float32', new Float32Array(n * 9 * 32 * 32).fill(0.1), [n, 9, 32, 32]),
      timestep: new ort.Tensor('int64', BigInt64Array.of(601n), [1]),
      encoder_hidden_states: new ort.Tensor('float32', new Float32Array(n * 77 * 64).fill(0.05), [n, 77, 64]),
    };
    const t = performance.now();
    await models.unet.run(feeds);
    return performance.now() - t;
  };
  await call(2);
  await call(1);
  const b2: number[] = [];
  const b1: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    b2.push(await call(2));
    b1.push(await call(1));
  }
  const src = worldSplit('ind-test', { count: 1 })[0]!;
  const gen: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await generateWithoutGuidance(models, src.pixels, src.captions[0]!, { seed: i });
    gen.push(performance.now() - t);
  }
  await models.release();
  const perCall = median(b2);
  console.log(`UNet batch 2 (CFG): ${perCall.toFixed(1)} ms/call; batch 1: ${median(b1).toFixed(1)} ms; ratio ${(perCall / median(b1)).toFixed(2)}`);
  console.log(`unguided generation (12 CFG calls + encode/decode): ${median(gen).toFixed(0)} ms; 80 calls ≈ ${((80 * perCall) / 1000).toFixed(1)} s`);
  console.log(
    `RESULT unet_b2_ms=${perCall.toFixed(1)} unet_b1_ms=${median(b1).toFixed(1)} b2_vs_b1=${(perCall / median(b1)).toFixed(2)} generate_ms=${median(gen).toFixed(0)} calls80_s=${((80 * perCall) / 1000).toFixed(1)} threads=${threads} load_avg_1m=${os.loadavg()[0]!.toFixed(1)} cpus=${os.cpus().length}`,
  );
}

void main();
