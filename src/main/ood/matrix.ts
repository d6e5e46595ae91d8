/**
 * Row-major dense matrices on Float32Array. Features are stored as float32 (what CLIP emits and half
 * the memory of float64); every reduction below accumulates in JS numbers (float64), so the only
 * float32 rounding is in the stored inputs and outputs.
 */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

export function matrix(data: Float32Array, rows: number, cols: number): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new Error(`matrix: bad shape [${rows}, ${cols}]`);
  }
  if (data.length !== rows * cols) {
    throw new Error(`matrix: data has ${data.length} values, shape [${rows}, ${cols}] needs ${rows * cols}`);
  }
  return { data, rows, cols };
}

/** A view of rows [start, end) sharing the buffer (no copy), for streaming large inputs in blocks. */
export function sliceRows(m: Matrix, start: number, end: number): Matrix {
  return { data: m.data.subarray(start * m.cols, end * m.cols), rows: end - start, cols: m.cols };
}

/** L2-normalise every row into a new matrix; an all-zero row stays zero rather than becoming NaN. */
export function l2NormalizeRows(m: Matrix): Matrix {
  const out = new Float32Array(m.data.length);
  const d = m.cols;
  for (let r = 0; r < m.rows; r++) {
    const o = r * d;
    let s = 0;
    for (let c = 0; c < d; c++) s += m.data[o + c]! * m.data[o + c]!;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let c = 0; c < d; c++) out[o + c] = m.data[o + c]! * inv;
  }
  return { data: out, rows: m.rows, cols: d };
}

// B rows per tile: 64 rows × 512 dims × 4 bytes = 128 KiB, which stays in L2 while every A row
// streams past it.
const B_TILE_ROWS = 64;

/**
 * C = scale · A · Bᵀ for A [n, d] and B [m, d], both row-major, so each output is a dot product of two
 * contiguous rows. Register-blocked 4 A-rows × 2 B-rows (8 independent accumulators, 6 loads per 8
 * multiply-adds) over B tiles that fit in cache; V8 does not auto-vectorise, so reducing loads and
 * dependency chains is what makes this fast in plain JS. `out` may be a larger reusable buffer;
 * the result then views its first n·m values.
 */
export function matmulTransposed(a: Matrix, b: Matrix, scale = 1, out?: Float32Array): Matrix {
  if (a.cols !== b.cols) throw new Error(`matmulTransposed: inner dims differ (${a.cols} vs ${b.cols})`);
  const n = a.rows;
  const m = b.rows;
  const d = a.cols;
  const c = out ?? new Float32Array(n * m);
  if (c.length < n * m) throw new Error(`matmulTransposed: output buffer too small (${c.length} < ${n * m})`);
  const A = a.data;
  const B = b.data;
  for (let j0 = 0; j0 < m; j0 += B_TILE_ROWS) {
    const j1 = Math.min(m, j0 + B_TILE_ROWS);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const a0 = i * d;
      const a1 = a0 + d;
      const a2 = a1 + d;
      const a3 = a2 + d;
      let j = j0;
      for (; j + 2 <= j1; j += 2) {
        const b0 = j * d;
        const b1 = b0 + d;
        let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
        for (let k = 0; k < d; k++) {
          const x0 = B[b0 + k]!;
          const x1 = B[b1 + k]!;
          const y0 = A[a0 + k]!;
          const y1 = A[a1 + k]!;
          const y2 = A[a2 + k]!;
          const y3 = A[a3 + k]!;
          s00 += y0 * x0; s01 += y0 * x1;
          s10 += y1 * x0; s11 += y1 * x1;
          s20 += y2 * x0; s21 += y2 * x1;
          s30 += y3 * x0; s31 += y3 * x1;
        }
        c[i * m + j] = s00 * scale; c[i * m + j + 1] = s01 * scale;
        c[(i + 1) * m + j] = s10 * scale; c[(i + 1) * m + j + 1] = s11 * scale;
        c[(i + 2) * m + j] = s20 * scale; c[(i + 2) * m + j + 1] = s21 * scale;
        c[(i + 3) * m + j] = s30 * scale; c[(i + 3) * m + j + 1] = s31 * scale;
      }
      for (; j < j1; j++) {
        const b0 = j * d;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let k = 0; k < d; k++) {
          const x = B[b0 + k]!;
          s0 += A[a0 + k]! * x; s1 += A[a1 + k]! * x; s2 += A[a2 + k]! * x; s3 += A[a3 + k]! * x;
        }
        c[i * m + j] = s0 * scale; c[(i + 1) * m + j] = s1 * scale;
        c[(i + 2) * m + j] = s2 * scale; c[(i + 3) * m + j] = s3 * scale;
      }
    }
    for (; i < n; i++) {
      const a0 = i * d;
      for (let j = j0; j < j1; j++) {
        const b0 = j * d;
        let s = 0;
        for (let k = 0; k < d; k++) s += A[a0 + k]! * B[b0 + k]!;
        c[i * m + j] = s * scale;
      }
    }
  }
  return { data: c.length === n * m ? c : c.subarray(0, n * m), rows: n, cols: m };
}
