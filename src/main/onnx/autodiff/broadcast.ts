import type { Dim } from '../graph-builder';

export function broadcastDim(a: Dim, b: Dim, unknown: () => string): Dim {
  if (a === 1) return b;
  if (b === 1) return a;
  if (a === b) return a;
  // A symbol against a number other than 1 must equal that number for the model to be valid.
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  // Two different symbols: either may be 1 at run time.
  return unknown();
}

// Numpy-style multidirectional broadcast of known shapes; undefined if any rank is unknown.
export function broadcastShapes(shapes: (readonly Dim[] | undefined)[], unknown: () => string): Dim[] | undefined {
  if (shapes.length === 0 || shapes.some((s) => s === undefined)) return undefined;
  const rank = Math.max(...shapes.map((s) => s!.length));
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    let dim: Dim = 1;
    for (const s of shapes) {
      const j = i - (rank - s!.length);
      if (j >= 0) dim = broadcastDim(dim, s![j]!, unknown);
    }
    out.push(dim);
  }
  return out;
}
