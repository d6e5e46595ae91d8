/**
 * Local-only driver for resnet50_vae.py's exports (and usable on tests/fixtures/torch folders too):
 * builds our VJP graph for each folder's model, runs it on onnxruntime's CPU EP and prints the relative
 * L2 error of the output and of each gradient against torch.
 * Usage: npx tsx scripts/torch-check/check-vjp.ts /tmp/torch-check/resnet50 /tmp/torch-check/vae_decoder
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createSession, loadModel, vjp } from '../../src/main/onnx';

interface Meta {
  model: string;
  input: { name: string; shape: number[]; file: string };
  output: { name: string; shape: number[]; file: string };
  cotangent: string;
  grads: { wrt: string; file: string; shape: number[] }[];
}

const readF32 = (path: string) => new Float32Array(new Uint8Array(readFileSync(path)).buffer);

function relativeL2(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

async function check(dir: string): Promise<void> {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
  // A plain Uint8Array, not the Buffer loadModel(path) would read: see tests/onnx/torch-reference.test.ts.
  const model = loadModel(new Uint8Array(readFileSync(join(dir, meta.model))));
  const t0 = performance.now();
  const graph = vjp(model, { of: [meta.output.name], wrt: meta.grads.map((g) => g.wrt), keepOutputs: true });
  const handle = await createSession(graph, { providers: ['cpu'], intraOpNumThreads: 2 });
  const t1 = performance.now();
  const result = await handle.run({
    [meta.input.name]: new ort.Tensor('float32', readF32(join(dir, meta.input.file)), meta.input.shape),
    [`grad_${meta.output.name}`]: new ort.Tensor('float32', readF32(join(dir, meta.cotangent)), meta.output.shape),
  });
  const t2 = performance.now();
  await handle.release();
  const errors = [`output ${relativeL2(result[meta.output.name]!.data as Float32Array, readF32(join(dir, meta.output.file))).toExponential(2)}`];
  for (const g of meta.grads) errors.push(`grad_${g.wrt} ${relativeL2(result[`grad_${g.wrt}`]!.data as Float32Array, readF32(join(dir, g.file))).toExponential(2)}`);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`${dir}: relative L2 ${errors.join(', ')}; build+session ${((t1 - t0) / 1000).toFixed(1)} s, run ${((t2 - t1) / 1000).toFixed(1)} s, peak RSS so far ${rssMb.toFixed(0)} MB`);
}

async function main(): Promise<void> {
  for (const dir of process.argv.slice(2)) await check(dir);
}

void main();
