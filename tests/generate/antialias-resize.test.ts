import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { runModel, vjp } from '../../src/main/onnx';
import { buildTinyClassifier } from '../../src/main/onnx/factory';
import { loadGuidanceClassifier, type ResizeFilter } from '../../src/main/pipeline/generate/guidance/classifier';
import { preprocessGraph, resnetPreprocessing } from '../../src/main/pipeline/generate/guidance/glue-graphs';
import { antialiasBilinearMatrix, bilinearMatrix, matrixRows, transposeMatrix } from '../../src/main/pipeline/generate/guidance/resize-matrices';

// The classifier preprocessing's antialiased resize (torchvision ≥ 0.17 `Resize` on tensors) against torch:
// the 1-D weight matrices, the whole preprocessing graph in onnxruntime, and its vjp against autograd and
// finite differences. Fixture and generator: tests/fixtures/torch/antialias-resize.json,
// scripts/torch-check/antialias_resize_fixture.py (torch 1.13, whose antialias kernel is the one torchvision uses).

interface Sample {
  start: [number, number];
  step: [number, number];
  data: string;
}
interface Case {
  name: string;
  height: number;
  width: number;
  resizeShorter: number;
  crop: number;
  seed: number;
  cotSeed: number;
  resized: [number, number];
  offset: [number, number];
  pixelsSum: number;
  pixelsSumSq: number;
  gradSum: number;
  gradSumSq: number;
  pixels?: string;
  pixelsPlain?: string;
  grad?: string;
  pixelsSample?: Sample;
  gradSample?: Sample;
}
interface Fixture {
  mean: number[];
  std: number[];
  matrices: { in: number; out: number; antialias: boolean; rows: number[][] }[];
  cases: Case[];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch/antialias-resize.json', import.meta.url), 'utf8')) as Fixture;
const caseNamed = (name: string): Case => fixture.cases.find((c) => c.name === name)!;

/** The generator's uniform(seed, n): lowbias32 hash of (i + seed·0x9E3779B9) mod 2^32, over 2^32. */
function uniform(seed: number, n: number): Float64Array {
  const mix = Math.imul(seed, 0x9e3779b9) >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = (i + mix) >>> 0;
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    out[i] = (x >>> 0) / 4294967296;
  }
  return out;
}

function f32(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(new Uint8Array(bytes).buffer);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** [1,3,h,w] values at rows start0 + k·step0, cols start1 + k·step1 (numpy's x[..., s0::t0, s1::t1]). */
function strided(x: Float32Array, h: number, w: number, s: Sample): Float32Array {
  const out: number[] = [];
  for (let c = 0; c < 3; c++)
    for (let y = s.start[0]; y < h; y += s.step[0]) for (let xx = s.start[1]; xx < w; xx += s.step[1]) out.push(x[c * h * w + y * w + xx]!);
  return Float32Array.from(out);
}

function sums(x: Float32Array): [number, number] {
  let s = 0;
  let s2 = 0;
  for (const v of x) {
    s += v;
    s2 += v * v;
  }
  return [s, s2];
}

const decodedOf = (c: Case) => Float32Array.from(uniform(c.seed, 3 * c.height * c.width), (u) => -1.2 + 2.4 * u);
const cotangentOf = (c: Case) => Float32Array.from(uniform(c.cotSeed, 3 * c.crop * c.crop), (u) => u - 0.5);
const preprocessingOf = (c: Case, filter?: ResizeFilter) =>
  resnetPreprocessing(c.height, c.width, c.resizeShorter, c.crop, fixture.mean, fixture.std, filter);

async function pixelsOf(c: Case, filter?: ResizeFilter, decoded: Float32Array = decodedOf(c)): Promise<Float32Array> {
  const out = await runModel(preprocessGraph(17, c.height, c.width, preprocessingOf(c, filter)), {
    decoded: new ort.Tensor('float32', decoded, [1, 3, c.height, c.width]),
  });
  expect(out.pixels!.dims).toEqual([1, 3, c.crop, c.crop]);
  return out.pixels!.data as Float32Array;
}

async function gradOf(c: Case): Promise<Float32Array> {
  const model = vjp(preprocessGraph(17, c.height, c.width, preprocessingOf(c)), { of: ['pixels'], wrt: ['decoded'] });
  const out = await runModel(model, {
    decoded: new ort.Tensor('float32', decodedOf(c), [1, 3, c.height, c.width]),
    grad_pixels: new ort.Tensor('float32', cotangentOf(c), [1, 3, c.crop, c.crop]),
  });
  expect(out.grad_decoded!.dims).toEqual([1, 3, c.height, c.width]);
  return out.grad_decoded!.data as Float32Array;
}

describe('resize weight matrices vs torch F.interpolate', () => {
  for (const m of fixture.matrices) {
    it(`${m.in} → ${m.out}${m.antialias ? ' antialias' : ''}: max |error| ≤ 1e-5`, () => {
      const expected = new Float32Array(m.out * m.in);
      m.rows.forEach(([first, ...w], o) => w.forEach((v, k) => (expected[o * m.in + first! + k] = v)));
      const ours = (m.antialias ? antialiasBilinearMatrix : bilinearMatrix)(m.in, m.out);
      expect(maxAbsDiff(ours, expected)).toBeLessThanOrEqual(1e-5);
    });
  }

  it('antialias changes nothing when upsampling or keeping the size', () => {
    expect(maxAbsDiff(antialiasBilinearMatrix(20, 29), bilinearMatrix(20, 29))).toBeLessThan(1e-6);
    expect(maxAbsDiff(antialiasBilinearMatrix(29, 29), bilinearMatrix(29, 29))).toBe(0);
  });

  it('downsampling 512 → 232 averages over the widened triangle (4–5 taps, 3 at the borders; rows sum to 1)', () => {
    const a = antialiasBilinearMatrix(512, 232);
    for (let o = 0; o < 232; o++) {
      const row = a.subarray(o * 512, (o + 1) * 512);
      expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
      expect(row.filter((v) => v > 0).length).toBeGreaterThanOrEqual(o === 0 || o === 231 ? 3 : 4);
    }
    expect(bilinearMatrix(512, 232).subarray(100 * 512, 101 * 512).filter((v) => v > 0).length).toBe(2);
  });

  it('matrixRows and transposeMatrix', () => {
    const m = Float32Array.from([1, 2, 3, 4, 5, 6]); // [3, 2]
    expect(Array.from(matrixRows(m, 2, 1, 2))).toEqual([3, 4, 5, 6]);
    expect(Array.from(transposeMatrix(m, 3, 2))).toEqual([1, 3, 5, 2, 4, 6]);
    expect(() => matrixRows(m, 2, 2, 2)).toThrow();
  });
});

describe('preprocessGraph with the antialiased resize vs torchvision Resize + CenterCrop + Normalize', () => {
  it('defaults to bilinear-antialias (preprocessing and classifier)', () => {
    expect(resnetPreprocessing(512, 512, 232, 224, fixture.mean, fixture.std).filter).toBe('bilinear-antialias');
    const tiny = buildTinyClassifier({ seed: 1, numClasses: 4 });
    expect(loadGuidanceClassifier(tiny).resizeFilter).toBe('bilinear-antialias');
    expect(loadGuidanceClassifier(tiny, { resizeFilter: 'bilinear' }).resizeFilter).toBe('bilinear');
  });

  it('40×56 → 18×25 → crop 16 at (1, 4): every pixel', async () => {
    const c = caseNamed('small_40x56');
    const p = preprocessingOf(c);
    expect([p.resizeHeight, p.resizeWidth]).toEqual(c.resized);
    expect(maxAbsDiff(await pixelsOf(c), f32(c.pixels!))).toBeLessThanOrEqual(1e-5);
  });

  it('512×512 → 232 → crop 224: strided samples and whole-image sums', async () => {
    const c = caseNamed('resnet_512');
    const pixels = await pixelsOf(c);
    expect(maxAbsDiff(strided(pixels, c.crop, c.crop, c.pixelsSample!), f32(c.pixelsSample!.data))).toBeLessThanOrEqual(1e-5);
    const [s, s2] = sums(pixels);
    expect(Math.abs(s - c.pixelsSum) / pixels.length).toBeLessThan(1e-6);
    expect(Math.abs(s2 - c.pixelsSumSq) / c.pixelsSumSq).toBeLessThan(1e-6);
  });

  it("'bilinear' is interpolate without antialias (the pre-change output), and differs from antialias", async () => {
    const c = caseNamed('small_40x56');
    const plain = await pixelsOf(c, 'bilinear');
    // ONNX Resize rounds its coordinates in float32, torch's CPU kernel in double: ~2e-6 before ÷std.
    expect(maxAbsDiff(plain, f32(c.pixelsPlain!))).toBeLessThanOrEqual(2e-5);
    expect(maxAbsDiff(plain, f32(c.pixels!))).toBeGreaterThan(0.1);
    // The graph still resizes with ONNX Resize there, as before.
    const nodes = preprocessGraph(17, c.height, c.width, preprocessingOf(c, 'bilinear')).graph!.node!.map((n) => n.opType);
    expect(nodes).toContain('Resize');
    expect(nodes).not.toContain('MatMul');
  });
});

describe('vjp through the antialiased preprocessing vs torch autograd', () => {
  let smallGrad: Float32Array;
  beforeAll(async () => {
    smallGrad = await gradOf(caseNamed('small_40x56'));
  });

  it('40×56: every entry of d(Σ pixels·cot)/d decoded', () => {
    const c = caseNamed('small_40x56');
    const expected = f32(c.grad!);
    expect(maxAbsDiff(smallGrad, expected) / maxAbs(expected)).toBeLessThanOrEqual(1e-5);
    // Clamped pixels pass no gradient.
    const decoded = decodedOf(c);
    expect(decoded.some((d) => Math.abs(d) > 1)).toBe(true);
    decoded.forEach((d, i) => Math.abs(d) > 1 && expect(smallGrad[i]).toBe(0));
  });

  it('512×512: strided samples and whole-gradient sums', async () => {
    const c = caseNamed('resnet_512');
    const grad = await gradOf(c);
    const expected = f32(c.gradSample!.data);
    expect(maxAbsDiff(strided(grad, c.height, c.width, c.gradSample!), expected) / maxAbs(expected)).toBeLessThanOrEqual(1e-5);
    const [s, s2] = sums(grad);
    expect(Math.abs(s - c.gradSum) / Math.sqrt(c.gradSumSq)).toBeLessThan(1e-5);
    expect(Math.abs(s2 - c.gradSumSq) / c.gradSumSq).toBeLessThan(1e-5);
  });

  it('40×56: central finite differences at a few inputs', async () => {
    const c = caseNamed('small_40x56');
    const decoded = decodedOf(c);
    const cot = cotangentOf(c);
    const loss = async (x: Float32Array) => (await pixelsOf(c, undefined, x)).reduce((s, v, i) => s + v * cot[i]!, 0);
    const h = 1e-2;
    // Unclamped inputs (|d| < 0.9 keeps d ± h inside [-1, 1]) with the largest gradients, plus a clamped one.
    const free = Array.from(decoded.keys()).filter((i) => Math.abs(decoded[i]!) < 0.9);
    const picks = free.sort((i, j) => Math.abs(smallGrad[j]!) - Math.abs(smallGrad[i]!)).slice(0, 5);
    picks.push(decoded.findIndex((d) => d > 1.1));
    for (const i of picks) {
      const plus = Float32Array.from(decoded);
      const minus = Float32Array.from(decoded);
      plus[i]! += h;
      minus[i]! -= h;
      const fd = ((await loss(plus)) - (await loss(minus))) / (2 * h);
      expect(Math.abs(fd - smallGrad[i]!)).toBeLessThan(2e-3 * Math.max(1, Math.abs(smallGrad[i]!)));
    }
  });
});
