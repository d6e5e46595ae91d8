import { mulberry32Advance, mulberry32Output } from '../../random/mulberry32';

/**
 * A seeded generator whose whole state is one uint32, so a checkpoint can store it and a resumed run
 * draws exactly the shuffles the uninterrupted run would have drawn (mulberry32).
 */
export class SeededRandom {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  get state(): number {
    return this.s;
  }

  set state(value: number) {
    this.s = value >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.s = mulberry32Advance(this.s);
    return mulberry32Output(this.s);
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** A Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }
}
