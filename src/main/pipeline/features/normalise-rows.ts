/** Scales each row of a row-major [n, dim] matrix to unit L2 norm, in place. */
export function normaliseRows(m: Float32Array, dim: number): Float32Array {
  for (let r = 0; r < m.length / dim; r++) {
    let ss = 0;
    for (let j = 0; j < dim; j++) ss += m[r * dim + j]! ** 2;
    const inv = 1 / Math.max(Math.sqrt(ss), 1e-12);
    for (let j = 0; j < dim; j++) m[r * dim + j] = m[r * dim + j]! * inv;
  }
  return m;
}
