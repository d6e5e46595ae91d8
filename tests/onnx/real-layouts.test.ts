// Real export layouts with dynamic axes (torch.onnx ResNet with a dynamic batch, an HF/Optimum CLIP vision
// tower with dynamic batch/channels/height/width, an SD VAE decoder with dynamic batch/height/width) and
// float16 exports: our VJP graphs against torch autograd. Fixtures and the script that made them:
// tests/fixtures/real-layouts/, scripts/real-layouts/make_real_layouts.py. The references are taken at a
// batch (and, for the VAE, a latent size) other than the traced one.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  bindInputShapes,
  createSession,
  float16ToFloat32Array,
  float32ToFloat16Array,
  hasFloat16,
  loadModel,
  tensorToArray,
  toFloat32,
  TensorDataType,
  vjp,
  type ModelProto,
} from '../../src/main/onnx';
import { inferFacts } from '../../src/main/onnx/autodiff/shape-inference';
import { topoSort } from '../../src/main/onnx/autodiff/topo-sort';
import { isFloatType } from '../../src/main/onnx/data-types';

const ROOT = fileURLToPath(new URL('../fixtures/real-layouts', import.meta.url));
const TOLERANCE = 1e-4;

interface Meta {
  name: string;
  model: string;
  opset: number;
  traced: number[];
  declaredInput: (number | string)[];
  input: { name: string; shape: number[]; file: string };
  outputs: { name: string; shape: number[]; file: string; cotangent: string }[];
  grads: { wrt: string; file: string; shape: number[] }[];
  float16?: { from: string; keepIoTypes: boolean; ioTypes: Record<string, string> };
}

function readF32(path: string): Float32Array {
  return new Float32Array(new Uint8Array(readFileSync(path)).buffer);
}

function relativeL2(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < expected.length; i++) {
    diff += (actual[i]! - expected[i]!) ** 2;
    norm += expected[i]! ** 2;
  }
  return Math.sqrt(diff / norm);
}

function fixture(name: string): { dir: string; meta: Meta; model: ModelProto } {
  const dir = join(ROOT, name);
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Meta;
  return { dir, meta, model: loadModel(join(dir, meta.model)) };
}

/** Runs the VJP model at the fixture's input (or its first `rows` batch rows) and returns errors vs torch. */
async function errorsAgainstTorch(
  grad: ModelProto,
  dir: string,
  meta: Meta,
  opts: { rows?: number; skipWeights?: boolean } = {},
): Promise<Record<string, number>> {
  const batch = meta.input.shape[0]!;
  const rows = opts.rows ?? batch;
  const firstRows = (data: Float32Array, shape: number[]): { data: Float32Array; shape: number[] } => {
    const per = data.length / shape[0]!;
    return { data: data.subarray(0, rows * per), shape: [rows, ...shape.slice(1)] };
  };
  const input = firstRows(readF32(join(dir, meta.input.file)), meta.input.shape);
  const feeds: Record<string, ort.Tensor> = { [meta.input.name]: new ort.Tensor('float32', input.data, input.shape) };
  for (const o of meta.outputs) {
    const c = firstRows(readF32(join(dir, o.cotangent)), o.shape);
    feeds[`grad_${o.name}`] = new ort.Tensor('float32', c.data, c.shape);
  }
  const handle = await createSession(grad, { providers: ['cpu'] });
  try {
    const result = await handle.run(feeds);
    const errors: Record<string, number> = {};
    for (const o of meta.outputs) {
      const expected = firstRows(readF32(join(dir, o.file)), o.shape);
      expect(result[o.name]!.dims).toEqual(expected.shape);
      errors[o.name] = relativeL2(result[o.name]!.data as Float32Array, expected.data);
    }
    for (const g of meta.grads) {
      const isInput = g.wrt === meta.input.name;
      if (!isInput && (opts.skipWeights || rows !== batch)) continue;
      const expected = isInput ? firstRows(readF32(join(dir, g.file)), g.shape) : { data: readF32(join(dir, g.file)), shape: g.shape };
      const actual = result[`grad_${g.wrt}`];
      expect(actual, `grad_${g.wrt}`).toBeDefined();
      expect(actual!.dims).toEqual(expected.shape);
      errors[`grad_${g.wrt}`] = relativeL2(actual!.data as Float32Array, expected.data);
    }
    return errors;
  } finally {
    await handle.release();
  }
}

function gradModel(model: ModelProto, meta: Meta, inputShapes?: Record<string, number[]>): ModelProto {
  return vjp(model, { of: meta.outputs.map((o) => o.name), wrt: meta.grads.map((g) => g.wrt), keepOutputs: true, inputShapes });
}

function expectAllBelow(errors: Record<string, number>, tolerance: number, label: string): void {
  // One line per case, so the measured agreement is visible in the test log.
  console.info(`${label}: ${Object.entries(errors).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
  for (const [k, v] of Object.entries(errors)) expect(v, `${label} ${k}`).toBeLessThan(tolerance);
}

const DYNAMIC = ['clip_vision_dynamic', 'resnet_dynamic', 'vae_decoder_dynamic'];
const FLOAT16 = ['clip_vision_fp16', 'resnet_fp16'];

describe('real export layouts with dynamic axes', () => {
  it('has the fixtures, under 2 MB together, each referenced at a shape other than the traced one', () => {
    const names = readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    expect(names).toEqual([...DYNAMIC, ...FLOAT16].sort());
    let bytes = 0;
    for (const name of names) for (const f of readdirSync(join(ROOT, name))) bytes += statSync(join(ROOT, name, f)).size;
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    for (const name of DYNAMIC) {
      const { meta, model } = fixture(name);
      expect(meta.input.shape).not.toEqual(meta.traced);
      expect(meta.opset).toBeGreaterThanOrEqual(14);
      expect(meta.declaredInput.some((d) => typeof d === 'string')).toBe(true);
      // Real exports compute their reshape targets at run time.
      const ops = new Set((model.graph!.node ?? []).map((n) => n.opType));
      if (name !== 'resnet_dynamic') for (const op of ['Shape', 'Gather', 'Concat', 'Reshape', 'Unsqueeze']) expect(ops.has(op), `${name} ${op}`).toBe(true);
    }
  });

  for (const name of DYNAMIC) {
    it(`${name}: symbolic sizes give every float value a known rank; bound sizes make every shape static`, () => {
      const { meta, model } = fixture(name);
      const floatValues = (m: ModelProto, check: (shape: (number | string)[] | undefined, value: string) => void): void => {
        const g = m.graph!;
        const nodes = topoSort(g.node ?? [], [...(g.input ?? []).map((i) => i.name!), ...(g.initializer ?? []).map((t) => t.name!)]);
        const facts = inferFacts(g, nodes, meta.opset);
        for (const n of nodes) for (const o of n.output ?? []) if (isFloatType(facts.type(o))) check(facts.shape(o), o);
      };
      floatValues(model, (shape, value) => expect(shape, value).toBeDefined());
      floatValues(bindInputShapes(model, { [meta.input.name]: meta.input.shape }), (shape, value) =>
        expect(shape?.every((d) => typeof d === 'number'), `${value}: ${JSON.stringify(shape)}`).toBe(true),
      );
    });

    it(`${name}: gradients with the dynamic axes kept match torch autograd (relative L2 ≤ ${TOLERANCE})`, async () => {
      const { dir, meta, model } = fixture(name);
      const grad = gradModel(model, meta);
      // The gradient model itself still takes any batch.
      expect(grad.graph!.input!.find((i) => i.name === meta.input.name)!.type!.tensorType!.shape!.dim![0]!.dimParam).toBeTruthy();
      expectAllBelow(await errorsAgainstTorch(grad, dir, meta), TOLERANCE, `${name} symbolic`);
      // One gradient graph, another batch size: the first image alone gives the first rows of the batch's results.
      expectAllBelow(await errorsAgainstTorch(grad, dir, meta, { rows: 1 }), TOLERANCE, `${name} symbolic, batch 1`);
    });

    it(`${name}: gradients with the axes bound to the run's shapes (vjp inputShapes) match torch autograd`, async () => {
      const { dir, meta, model } = fixture(name);
      const grad = gradModel(model, meta, { [meta.input.name]: meta.input.shape });
      expect(grad.graph!.input!.find((i) => i.name === meta.input.name)!.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue))).toEqual(meta.input.shape);
      for (const o of meta.outputs) {
        const cot = grad.graph!.input!.find((i) => i.name === `grad_${o.name}`)!;
        expect(cot.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue))).toEqual(o.shape);
      }
      expectAllBelow(await errorsAgainstTorch(grad, dir, meta), TOLERANCE, `${name} bound`);
    });
  }

  it('bindInputShapes refuses a wrong name, a wrong rank, a clash with a fixed size and one symbol bound twice', () => {
    const { model } = fixture('resnet_dynamic');
    expect(() => bindInputShapes(model, { image: [1, 3, 32, 32] })).toThrow(/no graph input "image"/);
    expect(() => bindInputShapes(model, { input: [1, 3, 32] })).toThrow(/rank 4/);
    expect(() => bindInputShapes(model, { input: [1, 3, 64, 64] })).toThrow(/fixed to 32/);
    const bound = bindInputShapes(model, { input: [5, 3, 32, 32] });
    expect(bound.graph!.output![0]!.type!.tensorType!.shape!.dim!.map((d) => Number(d.dimValue))).toEqual([5, 10]);
    // A string keeps the axis symbolic (renamed).
    const renamed = bindInputShapes(model, { input: ['n', 3, 32, 32] });
    expect(renamed.graph!.output![0]!.type!.tensorType!.shape!.dim![0]!.dimParam).toBe('n');
  });
});

describe('float16 exports', () => {
  it('float16 <-> float32 conversions round to nearest even and keep subnormals, infinities and NaN', () => {
    const values = [0, -0, 1, -2.5, 65504, 1e-7, 5.960464477539063e-8, 0.1, 1 / 3, 70000, Infinity, -Infinity];
    const back = float16ToFloat32Array(float32ToFloat16Array(values));
    expect(Array.from(back)).toEqual([0, -0, 1, -2.5, 65504, 1.1920928955078125e-7, 5.960464477539063e-8, 0.0999755859375, 0.333251953125, Infinity, Infinity, -Infinity]);
    expect(Number.isNaN(float16ToFloat32Array(float32ToFloat16Array([NaN]))[0])).toBe(true);
    // Ties go to the even neighbour: 1 + 2^-11 is halfway between 1 and 1 + 2^-10.
    expect(float16ToFloat32Array(float32ToFloat16Array([1 + 2 ** -11, 1 + 3 * 2 ** -11]))).toEqual(Float32Array.of(1, 1 + 2 ** -9));
  });

  it('toFloat32 widens every float16 tensor, Cast and value type exactly, and leaves float32 models alone', () => {
    const { model } = fixture('clip_vision_fp16');
    const { model: fp32 } = fixture('clip_vision_dynamic');
    expect(hasFloat16(model)).toBe(true);
    expect(hasFloat16(fp32)).toBe(false);
    expect(toFloat32(fp32)).toBe(fp32);
    const wide = toFloat32(model);
    expect(hasFloat16(wide)).toBe(false);
    const g = wide.graph!;
    expect((g.initializer ?? []).every((t) => t.dataType !== TensorDataType.FLOAT16)).toBe(true);
    expect((g.node ?? []).filter((n) => n.opType === 'Cast').length).toBeGreaterThan(0);
    // The export's parameters were float16 values already, so widening restores the float32 export's bits.
    const ref = new Map((fp32.graph!.initializer ?? []).map((t) => [t.name, t]));
    for (const t of g.initializer ?? []) {
      if (t.dataType !== TensorDataType.FLOAT || !ref.has(t.name)) continue;
      expect(Array.from(tensorToArray(t) as Float32Array), t.name!).toEqual(Array.from(tensorToArray(ref.get(t.name)!) as Float32Array));
    }
  });

  it('keepIoTypes keeps float16 graph inputs and outputs behind Casts', async () => {
    const { dir, meta, model } = fixture('resnet_fp16');
    expect(meta.float16!.ioTypes).toEqual({ input: 'FLOAT16', logits: 'FLOAT16' });
    const kept = toFloat32(model, { keepIoTypes: true });
    expect(kept.graph!.input!.find((i) => i.name === 'input')!.type!.tensorType!.elemType).toBe(TensorDataType.FLOAT16);
    expect(kept.graph!.output![0]!.type!.tensorType!.elemType).toBe(TensorDataType.FLOAT16);
    const handle = await createSession(kept, { providers: ['cpu'], float16: 'native', float16Outputs: 'keep' });
    try {
      const x = readF32(join(dir, meta.input.file));
      const out = await handle.run({ input: new ort.Tensor('float16', float32ToFloat16Array(x), meta.input.shape) });
      expect(out.logits!.type).toBe('float16');
      const logits = float16ToFloat32Array(out.logits!.data as Uint16Array);
      expect(relativeL2(logits, readF32(join(dir, meta.outputs[0]!.file)))).toBeLessThan(5e-3);
    } finally {
      await handle.release();
    }
  });

  for (const name of FLOAT16) {
    it(`${name}: createSession widens it on the CPU, feeds float32 and matches the float32 model within float16 rounding`, async () => {
      const { dir, meta } = fixture(name);
      const { meta: fp32Meta } = fixture(meta.float16!.from);
      const x = readF32(join(dir, meta.input.file));
      const results: Record<string, Float32Array> = {};
      for (const mode of ['auto', 'native'] as const) {
        const handle = await createSession(join(dir, meta.model), { providers: ['cpu'], float16: mode });
        try {
          expect(handle.widenedFloat16).toBe(mode === 'auto');
          const out = await handle.run({ [meta.input.name]: new ort.Tensor('float32', x, meta.input.shape) });
          const first = meta.outputs[0]!;
          expect(out[first.name]!.type).toBe('float32');
          results[mode] = out[first.name]!.data as Float32Array;
        } finally {
          await handle.release();
        }
      }
      // A float32 file is scanned and left as it is.
      const plain = await createSession(join(ROOT, fp32Meta.name, fp32Meta.model), { providers: ['cpu'] });
      expect(plain.widenedFloat16).toBe(false);
      await plain.release();
      // The float32 model's output (same input) is the reference; the widened run only differs from it by the
      // weights' rounding, onnxruntime's own float16 run (Casts around each node) also by the activations'.
      const fp32Output = readF32(join(ROOT, fp32Meta.name, fp32Meta.outputs[0]!.file));
      const widenedErr = relativeL2(results.auto!, fp32Output);
      const nativeErr = relativeL2(results.native!, fp32Output);
      console.info(`${name}: widened vs float32 model ${widenedErr.toExponential(2)}, onnxruntime float16 on CPU ${nativeErr.toExponential(2)}`);
      expect(widenedErr).toBeLessThan(1e-2);
      expect(nativeErr).toBeLessThan(2e-2);
    });

    it(`${name}: the widened model differentiates; gradients match torch autograd`, async () => {
      const { dir, meta, model } = fixture(name);
      const grad = gradModel(toFloat32(model), meta, { [meta.input.name]: meta.input.shape });
      // clip_vision_fp16's torch model has the float16 weights, so only the scalar constants' rounding differs;
      // resnet_fp16's reference is the float32 model, so its weights' rounding shows too.
      const tolerance = name === 'clip_vision_fp16' ? 1e-4 : 3e-3;
      expectAllBelow(await errorsAgainstTorch(grad, dir, meta), tolerance, `${name} widened`);
    });
  }
});
