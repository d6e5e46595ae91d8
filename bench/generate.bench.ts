/**
 * Per-image cost of SynOOD candidate generation with tiny random SD-2-inpainting parts on the CPU, split into
 * UNet calls, the kept decode (decoder → classifier → loss, forward only) and the gradient runs (the same
 * forward pass plus the backward pass to z0), plus the tiny VLM describer. Paper settings otherwise:
 * 20 steps at strength 0.6 (13 UNet calls per denoise, batch 2 for guidance 8), 3 iterations, `code` loss.
 * The ratios (shares of the per-image time, one gradient run over one forward decode) are the portable part;
 * absolute times only say what tiny models cost on this machine. unguided_share: what keeping iteration 1's decode
 * (the unguided image, one PNG per candidate) adds, as a share of the per-image time.
 *
 * Run: npx tsx bench/generate.bench.ts   (env SYNOOD_BENCH_IMAGES, SYNOOD_BENCH_SIZE to scale)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { writeTinyClassifier, writeTinySdInpaint } from '../src/main/onnx/factory';
import { VlmDescriber } from '../src/main/pipeline/describe';
import { writeTinyVlm } from '../src/main/pipeline/describe/tiny-vlm';
import { generateCandidate, loadGuidanceClassifier, loadInpaintModels, releaseGuidance, type CandidateTimings } from '../src/main/pipeline/generate';
import { writeCandidateFiles } from '../src/main/pipeline/generate/job-outputs';

async function main(): Promise<void> {
  const images = Number(process.env.SYNOOD_BENCH_IMAGES ?? 4);
  const size = Number(process.env.SYNOOD_BENCH_SIZE ?? 128);
  const dir = mkdtempSync(join(tmpdir(), 'synood-bench-generate-'));
  try {
    writeTinySdInpaint(join(dir, 'sd'), { seed: 1, imageSize: size });
    const classifier = loadGuidanceClassifier(writeTinyClassifier(join(dir, 'classifier.onnx'), { seed: 2, imageSize: 64, numClasses: 100 }));
    writeTinyVlm(join(dir, 'vlm'), { seed: 3 });
    const source = join(dir, 'source.png');
    await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 120, g: 160, b: 90 } } })
      .png()
      .toFile(source);
    const models = await loadInpaintModels(join(dir, 'sd'), { providers: ['cpu'] });
    const describer = await VlmDescriber.load(join(dir, 'vlm'), { maxNewTokens: 24 });
    const options = { image: source, prompt: 'A photo only remain bamboo, tourist, leaf, railing.', width: size, height: size, objective: 'official' as const };

    // Warm-up: builds and differentiates the guidance graph once (reported apart, it is per run, not per image).
    let t = performance.now();
    await generateCandidate(models, classifier, { ...options, seed: 0 });
    const warmupMs = performance.now() - t;

    const sum: CandidateTimings = { prepareMs: 0, unetMs: 0, unetCalls: 0, decodeMs: 0, gradientMs: 0, totalMs: 0 };
    let describeMs = 0;
    let gradientRuns = 0;
    let decodeRuns = 0;
    // What keeping the unguided image adds per candidate: its PNG encode and write, timed by writeCandidateFiles.
    let unguidedMs = 0;
    let filesMs = 0;
    for (let i = 1; i <= images; i++) {
      t = performance.now();
      await describer.describe(source, 'giant panda');
      describeMs += performance.now() - t;
      const c = await generateCandidate(models, classifier, { ...options, seed: i });
      for (const k of Object.keys(sum) as (keyof CandidateTimings)[]) sum[k] += c.timings[k];
      gradientRuns += c.previews.length - 1;
      decodeRuns += 1;
      const iterations = c.previews.map((p, k) => ({ image: p, loss: c.losses[k] ?? null }));
      t = performance.now();
      const files = await writeCandidateFiles(dir, { jobId: 1, imageId: i, seed: i }, c.image, iterations, c.previews[0]!);
      filesMs += performance.now() - t - files.unguidedMs;
      unguidedMs += files.unguidedMs;
    }
    await describer.release();
    await releaseGuidance(models);
    await models.release();

    const perImage = (sum.totalMs + describeMs) / images;
    const share = (ms: number) => ms / images / perImage;
    const gradOverDecode = sum.gradientMs / gradientRuns / (sum.decodeMs / decodeRuns);
    const f = (x: number, d = 1) => x.toFixed(d);
    console.log(`tiny SD-2-inpainting parts, ${size}×${size} images, ${images} images after a ${f(warmupMs, 0)} ms warm-up (graph build)`);
    console.log(`per image: ${f(perImage)} ms = describe ${f(describeMs / images)} + prepare ${f(sum.prepareMs / images)} + UNet ${f(sum.unetMs / images)} (${sum.unetCalls / images} calls) + decode ${f(sum.decodeMs / images)} + gradient ${f(sum.gradientMs / images)} (${gradientRuns / images} runs)`);
    console.log(`one gradient run = ${f(gradOverDecode, 2)}× one forward decode+classify`);
    console.log(`files per item: ${f(filesMs / images)} ms; keeping the unguided image adds ${f(unguidedMs / images)} ms (one PNG encode + atomic write, no model call)`);
    console.log(
      `RESULT images_per_hour=${f(3_600_000 / perImage, 0)} unet_share=${f(share(sum.unetMs), 3)} decode_share=${f(share(sum.decodeMs), 3)} grad_share=${f(share(sum.gradientMs), 3)} describe_share=${f(share(describeMs), 3)} grad_over_decode=${f(gradOverDecode, 2)} unguided_share=${f(share(unguidedMs), 4)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
