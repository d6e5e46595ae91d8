/**
 * The measured parts of bench/real-shape.bench.ts (and bench/gpu/run.sh), each run in its own child process so
 * that its peak RSS is its own: the guidance step through the app's GuidanceRunner, and the SD-2-width UNet
 * (built, then timed, in two separate children so the build's JS copies of the weights are not counted).
 */
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import { saveModel, type ModelProto, type ProviderName } from '../src/main/onnx';
import { buildInpaintUnet, Rng, SD2_UNET_SHAPES } from '../src/main/onnx/factory';
import { loadGuidanceClassifier } from '../src/main/pipeline/generate/guidance/classifier';
import { GuidanceRunner } from '../src/main/pipeline/generate/guidance/guidance-runner';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** VmHWM (the kernel's resident high-water mark of this process); not getrusage, which carries the parent's RSS across exec. */
export function peakRssOfThisProcessMb(): number {
  const status = existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '';
  const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
  return Number(hwm ? hwm[1] : process.resourceUsage().maxRSS) / 1024;
}

async function timed<T>(fn: () => Promise<T>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** The app's guidance graph at a latent side: the decoder at 8× that, the classifier, the official loss, batch 1. */
export function officialGuidanceRunner(decoderPath: string, classifierPath: string, latent: number, sessionOpts: { providers?: ProviderName[]; intraOpNumThreads?: number }): Promise<GuidanceRunner> {
  const classifier = loadGuidanceClassifier(classifierPath);
  const spec = { numClasses: classifier.numClasses ?? 1000, latentDims: [1, 4, latent, latent], height: 8 * latent, width: 8 * latent, objective: 'official' as const };
  return GuidanceRunner.create(decoderPath, classifier, spec, sessionOpts);
}

export interface GuidanceStepResult {
  provider: string;
  buildMs: number;
  forwardMs: number;
  stepMs: number;
  stepMinMs: number;
  peakRssMb: number;
}

/**
 * The guidance step as the app runs it: decoder + ResNet-50 composed and differentiated by buildGuidanceModels,
 * official objective, one warm-up, then `reps` forward runs (the kept decode) and `reps` forward+VJP runs.
 */
export async function guidanceStep(decoderPath: string, classifierPath: string, latent: number, reps: number, provider: ProviderName, threads: number): Promise<GuidanceStepResult> {
  const t0 = performance.now();
  const runner = await officialGuidanceRunner(decoderPath, classifierPath, latent, { providers: [provider], intraOpNumThreads: threads });
  const buildMs = performance.now() - t0;
  const u = new Rng(1).normalArray(4 * latent * latent, 1);
  await runner.gradient(u);
  const forward: number[] = [];
  const step: number[] = [];
  for (let i = 0; i < reps; i++) {
    forward.push(await timed(() => runner.evaluate(u)));
    step.push(await timed(() => runner.gradient(u)));
  }
  await runner.release();
  return { provider, buildMs, forwardMs: median(forward), stepMs: median(step), stepMinMs: Math.min(...step), peakRssMb: peakRssOfThisProcessMb() };
}

/** Moves every initializer's bytes into `<model>_data` beside the model (a >2 GB model cannot be one protobuf). */
export function externalise(model: ModelProto, modelPath: string): void {
  const dataName = `${basename(modelPath)}_data`;
  const fd = openSync(`${modelPath}_data`, 'w');
  let offset = 0;
  try {
    for (const t of model.graph?.initializer ?? []) {
      const raw = t.rawData;
      if (!raw || raw.length < 1024) continue;
      writeSync(fd, raw);
      t.dataLocation = 1; // TensorProto.EXTERNAL
      t.externalData = [
        { key: 'location', value: dataName },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(raw.length) },
      ];
      t.rawData = new Uint8Array(0);
      offset += raw.length;
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes the factory's inpainting UNet at SD-2 width (320/640/1280/1280, cross-attention 1024, 64 per head). */
export function writeSd2Unet(modelPath: string, latent: number, layersPerBlock: number): { parameters: number } {
  const model = buildInpaintUnet({ ...SD2_UNET_SHAPES, latentSize: latent, layersPerBlock, batch: 'batch_size' });
  let parameters = 0;
  for (const t of model.graph?.initializer ?? []) parameters += (t.dims ?? []).reduce<number>((a, d) => a * Number(d), 1);
  externalise(model, modelPath);
  const bytes = saveModel(model);
  const fd = openSync(modelPath, 'w');
  writeSync(fd, bytes);
  closeSync(fd);
  return { parameters };
}

export interface UnetCallResult {
  provider: string;
  loadMs: number;
  /** One classifier-free-guidance call: batch 2 (unconditional + conditional). */
  callMs: number;
  callMinMs: number;
  peakRssMb: number;
}

export async function unetCalls(modelPath: string, latent: number, reps: number, provider: ProviderName, threads: number): Promise<UnetCallResult> {
  const t0 = performance.now();
  const options: ort.InferenceSession.SessionOptions = { executionProviders: [provider], intraOpNumThreads: threads, interOpNumThreads: 1 };
  const session = await ort.InferenceSession.create(modelPath, options);
  const loadMs = performance.now() - t0;
  const rng = new Rng(2);
  const feeds = {
    sample: new ort.Tensor('float32', rng.normalArray(2 * 9 * latent * latent, 1), [2, 9, latent, latent]),
    timestep: new ort.Tensor('int64', BigInt64Array.of(601n), [1]),
    encoder_hidden_states: new ort.Tensor('float32', rng.normalArray(2 * 77 * 1024, 1), [2, 77, 1024]),
  };
  await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push(await timed(() => session.run(feeds)));
  await session.release();
  return { provider, loadMs, callMs: median(times), callMinMs: Math.min(...times), peakRssMb: peakRssOfThisProcessMb() };
}
