/**
 * The GPU run of bench/gpu/run.sh, in one process (bundled to .gpu/real-shape-gpu.js for a bare machine, or run
 * with tsx here for `--cpu`): one SD-2-width UNet CFG call, the guidance step at real shapes (VAE decoder →
 * 512² → ResNet-50, forward+VJP), and ResNet-50's VJP at batch 8, on REAL_SHAPE_PROVIDER (webgpu | cuda | cpu).
 * argv[2]: a folder holding vae_decoder.onnx + resnet50.onnx exported by bench/real-shape-reference.py (same
 * weights as the torch reference), or '-' for the factory's models of the same geometry.
 * Env: REAL_SHAPE_LATENT (64), REAL_SHAPE_UNET_LAYERS (2 = SD-2 depth; 0 skips), REAL_SHAPE_REPS (3).
 * Prints one JSON line last.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { saveModel, vjp, type ProviderName } from '../../src/main/onnx';
import { buildTinyClassifier, buildVaeDecoder, RESNET50_SHAPES, Rng, SD_VAE_SHAPES } from '../../src/main/onnx/factory';
import { guidanceStep, unetCalls, writeSd2Unet } from '../real-shape-parts';

const int = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

async function resnetVjpB8(dir: string, provider: ProviderName, reps: number): Promise<number> {
  const path = join(dir, 'resnet_vjp.onnx');
  writeFileSync(path, saveModel(vjp(buildTinyClassifier({ ...RESNET50_SHAPES, seed: 0, batch: 8 }), { of: ['logits'], wrt: ['input'] })));
  const session = await ort.InferenceSession.create(path, { executionProviders: [provider] });
  const rng = new Rng(8);
  const feeds = {
    input: new ort.Tensor('float32', rng.normalArray(8 * 3 * 224 * 224, 1), [8, 3, 224, 224]),
    grad_logits: new ort.Tensor('float32', rng.normalArray(8 * 1000, 1), [8, 1000]),
  };
  await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t0);
  }
  await session.release();
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

async function main(): Promise<void> {
  const provider = (process.env.REAL_SHAPE_PROVIDER ?? 'webgpu') as ProviderName;
  const latent = int('REAL_SHAPE_LATENT', 64);
  const layers = int('REAL_SHAPE_UNET_LAYERS', 2);
  const reps = int('REAL_SHAPE_REPS', 3);
  const threads = int('REAL_SHAPE_THREADS', 16);
  const dir = mkdtempSync(join(tmpdir(), 'real-shape-gpu-'));
  try {
    const out: Record<string, number | string> = { provider, latent };
    if (layers > 0) {
      const path = join(dir, 'unet.onnx');
      out.unet_params_m = Math.round(writeSd2Unet(path, latent, layers).parameters / 1e6);
      const unet = await unetCalls(path, latent, reps, provider, threads);
      out.unet_call_ms = Math.round(unet.callMs);
      console.log(`UNet CFG call: ${unet.callMs.toFixed(0)} ms`);
    }
    let models = { decoder: join(dir, 'vae_decoder.onnx'), classifier: join(dir, 'resnet50.onnx') };
    if (process.argv[2] && process.argv[2] !== '-') models = { decoder: join(process.argv[2], 'vae_decoder.onnx'), classifier: join(process.argv[2], 'resnet50.onnx') };
    else {
      writeFileSync(models.decoder, saveModel(buildVaeDecoder({ ...SD_VAE_SHAPES, imageSize: 8 * latent, batch: 1 })));
      writeFileSync(models.classifier, saveModel(buildTinyClassifier({ ...RESNET50_SHAPES, seed: 0 })));
    }
    const step = await guidanceStep(models.decoder, models.classifier, latent, reps, provider, threads);
    Object.assign(out, { step_ms: Math.round(step.stepMs), forward_ms: Math.round(step.forwardMs) });
    console.log(`guidance step: forward ${step.forwardMs.toFixed(0)} ms, forward+VJP ${step.stepMs.toFixed(0)} ms`);
    out.resnet_b8_vjp_ms = Math.round(await resnetVjpB8(dir, provider, reps));
    console.log(JSON.stringify(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
