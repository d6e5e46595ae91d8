import type { Matrix } from '../../src/main/ood';

/** Deterministic test data from a tiny LCG (independent of the library's PRNG). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

export function randomRows(rows: number, cols: number, seed: number, normalize = true): Matrix {
  const r = lcg(seed);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) {
      const v = r() * 2 - 1;
      data[i * cols + j] = v;
      s += v * v;
    }
    if (normalize) for (let j = 0; j < cols; j++) data[i * cols + j]! /= Math.sqrt(s);
  }
  return { data, rows, cols };
}

export function row(m: Matrix, i: number): number[] {
  return Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols));
}

export function cosine(a: number[], b: number[]): number {
  let ab = 0, aa = 0, bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Textbook softmax (max-shifted), written out independently of the library's log-sum-exp. */
export function softmax(x: number[]): number[] {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}
