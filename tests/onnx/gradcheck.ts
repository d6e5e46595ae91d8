import * as ort from 'onnxruntime-node';
import { GraphBuilder, type ModelProto, createSession, vjp } from '../../src/main/onnx';
import { mulberry32 } from '../../src/main/random/mulberry32';

// Deterministic uniform generator (mulberry32), so failures reproduce.
export const rng = mulberry32;

export function randomArray(n: number, next: () => number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * next());
}

// Values 0.05 apart in random order, offset by `phase` from the grid: with phases 0.0125 and 0.0375 no value
// is within 0.0125 of 0 and two such arrays never come within 0.025, so relu/abs/min/max kinks stay out of
// reach of x ± h·v for h = 0.01.
export function distinctArray(n: number, next: () => number, phase: number): Float32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return Float32Array.from(order, (k) => (k - Math.floor(n / 2)) * 0.05 + phase);
}

const count = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

export interface GradCheckSpec {
  model: ModelProto;
  wrt: string[];
  of?: string[];
  // Random float inputs: name -> shape (values uniform in [lo, hi], or 'distinct').
  inputs: Record<string, number[]>;
  fixed?: Record<string, ort.Tensor>;
  distinct?: string[];
  range?: [number, number];
  h?: number;
  seed?: number;
}

export interface GradCheckResult {
  predicted: number;
  numeric: number;
  scale: number;
  gradShapes: Record<string, number[]>;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

// Compares <u, J v> from the gradient graph (sum over wrt of <vjp(u)_w, v_w>) with the central difference
// (s(x + h v) - s(x - h v)) / 2h of s(x) = <u, f(x)>, for a random cotangent u and random direction v.
export async function gradCheck(spec: GradCheckSpec): Promise<GradCheckResult> {
  const next = rng(spec.seed ?? 1234);
  const [lo, hi] = spec.range ?? [-1, 1];
  const h = spec.h ?? 1e-2;
  const of = spec.of ?? (spec.model.graph?.output ?? []).map((o) => o.name ?? '');
  const base: Record<string, Float32Array> = {};
  for (const [name, shape] of Object.entries(spec.inputs)) {
    const d = spec.distinct?.indexOf(name) ?? -1;
    base[name] = d >= 0 ? distinctArray(count(shape), next, 0.0125 + 0.025 * (d % 2)) : randomArray(count(shape), next, lo, hi);
  }
  const feedsFor = (values: Record<string, Float32Array>): Record<string, ort.Tensor> => ({
    ...spec.fixed,
    ...Object.fromEntries(Object.entries(values).map(([n, v]) => [n, new ort.Tensor('float32', v, spec.inputs[n]!)])),
  });

  const forward = await createSession(spec.model, { providers: ['cpu'], intraOpNumThreads: 1 });
  const y0 = await forward.run(feedsFor(base));
  const cotangents = Object.fromEntries(of.map((o) => [o, randomArray(y0[o]!.size, next)]));
  const direction = Object.fromEntries(spec.wrt.map((w) => [w, randomArray(base[w]!.length, next)]));
  const objective = async (sign: number): Promise<{ s: number; abs: number }> => {
    const moved = { ...base };
    for (const w of spec.wrt) moved[w] = base[w]!.map((x, i) => x + sign * h * direction[w]![i]!);
    const y = await forward.run(feedsFor(moved));
    let s = 0;
    let abs = 0;
    for (const o of of) {
      const data = y[o]!.data as Float32Array;
      s += dot(cotangents[o]!, data);
      for (let i = 0; i < data.length; i++) abs += Math.abs(cotangents[o]![i]! * data[i]!);
    }
    return { s, abs };
  };
  const plus = await objective(1);
  const minus = await objective(-1);
  await forward.release();

  const gradModel = vjp(spec.model, { of, wrt: spec.wrt });
  const backward = await createSession(gradModel, { providers: ['cpu'], intraOpNumThreads: 1 });
  const gradFeeds = feedsFor(base);
  for (const o of of) gradFeeds[`grad_${o}`] = new ort.Tensor('float32', cotangents[o]!, y0[o]!.dims);
  const grads = await backward.run(gradFeeds);
  await backward.release();
  let predicted = 0;
  const gradShapes: Record<string, number[]> = {};
  for (const w of spec.wrt) {
    const gw = grads[`grad_${w}`]!;
    gradShapes[w] = [...gw.dims];
    predicted += dot(gw.data as Float32Array, direction[w]!);
  }
  // float32 rounding of s(x ± h v), divided by 2h, bounds how well the difference can agree.
  const scale = (plus.abs + minus.abs) / 2;
  return { predicted, numeric: (plus.s - minus.s) / (2 * h), scale, gradShapes };
}

export function agreement(r: GradCheckResult, h = 1e-2): { error: number; allowed: number } {
  const error = Math.abs(r.predicted - r.numeric);
  const allowed = 1e-2 * Math.max(Math.abs(r.numeric), Math.abs(r.predicted)) + (4e-6 * r.scale) / h + 1e-5;
  return { error, allowed };
}

export type Shape = (number | string)[];

// A model from a builder callback returning its output names (declared float32, shape left to inference).
export function buildModel(
  build: (b: GraphBuilder) => string | string[],
  opset = 17,
): ModelProto {
  const b = new GraphBuilder({ opset });
  const outs = build(b);
  for (const [i, o] of (Array.isArray(outs) ? outs : [outs]).entries()) {
    const name = `out${i}`;
    b.node('Identity', [o], {}, { outputs: [name] });
    b.output(name, 'float32');
  }
  return b.build();
}

// Runs gradCheck and asserts agreement within float32 finite-difference accuracy.
export async function expectGradient(spec: GradCheckSpec): Promise<GradCheckResult> {
  const r = await gradCheck(spec);
  const { error, allowed } = agreement(r, spec.h ?? 1e-2);
  if (!(error <= allowed)) {
    throw new Error(`gradient mismatch: vjp ${r.predicted} vs finite difference ${r.numeric} (error ${error}, allowed ${allowed})`);
  }
  for (const w of spec.wrt) {
    const expected = spec.inputs[w];
    if (expected && JSON.stringify(r.gradShapes[w]) !== JSON.stringify(expected)) {
      throw new Error(`grad_${w} has shape [${r.gradShapes[w]}], expected [${expected}]`);
    }
  }
  return r;
}
