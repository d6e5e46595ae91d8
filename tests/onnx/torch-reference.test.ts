// Our VJP graphs against torch autograd on small real architectures exported by torch.onnx
// (fixtures and the script that made them: tests/fixtures/torch/).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createSession, loadModel, vjp } from '../../src/main/onnx';

const ROOT = fileURLToPath(new URL('../fixtures/torch', import.meta.url));
const TOLERANCE = 1e-4;

interface FixtureMeta {
  name: string;
  model: string;
  input: { name: string; shape: number[]; file: string };
  output: { name: string; shape: number[]; file: string };
  cotangent: string;
  grads: { wrt: string; file: string; shape: number[] }[];
}

function readF32(path: string): Float32Array {
  const bytes = readFileSync(path);
  // Copy into a fresh buffer: Buffer views may be unaligned for a Float32Array.
  return new Float32Array(new Uint8Array(bytes).buffer);
}

function relativeL2(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

const fixtures = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('vjp matches torch autograd', () => {
  it('has the four fixtures', () => {
    expect(fixtures).toEqual(['resnet_bn', 'resnet_folded', 'vae_decoder_like', 'vit_block']);
  });

  for (const name of fixtures) {
    it(`${name}: output and gradients within relative L2 ${TOLERANCE}`, async () => {
      const dir = join(ROOT, name);
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as FixtureMeta;
      // Bytes as a plain Uint8Array: loadModel(path) hands protobufjs a Node Buffer, whose raw_data views
      // tensorToArray's `bytes.slice()` does not copy (Buffer#slice is a view), reported to the engine owner.
      const model = loadModel(new Uint8Array(readFileSync(join(dir, meta.model))));
      const grad = vjp(model, { of: [meta.output.name], wrt: meta.grads.map((g) => g.wrt), keepOutputs: true });
      const handle = await createSession(grad, { providers: ['cpu'] });
      try {
        const feeds = {
          [meta.input.name]: new ort.Tensor('float32', readF32(join(dir, meta.input.file)), meta.input.shape),
          [`grad_${meta.output.name}`]: new ort.Tensor('float32', readF32(join(dir, meta.cotangent)), meta.output.shape),
        };
        const result = await handle.run(feeds);
        const output = result[meta.output.name]!;
        expect(output.dims).toEqual(meta.output.shape);
        expect(relativeL2(output.data as Float32Array, readF32(join(dir, meta.output.file)))).toBeLessThan(TOLERANCE);
        for (const g of meta.grads) {
          const actual = result[`grad_${g.wrt}`]!;
          expect(actual, `grad_${g.wrt}`).toBeDefined();
          expect(actual.dims).toEqual(g.shape);
          const err = relativeL2(actual.data as Float32Array, readF32(join(dir, g.file)));
          expect(err, `grad_${g.wrt} relative L2`).toBeLessThan(TOLERANCE);
        }
      } finally {
        await handle.release();
      }
    });
  }
});
