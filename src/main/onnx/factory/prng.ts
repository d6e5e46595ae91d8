import { mulberry32Advance, mulberry32Output } from '../../random/mulberry32';

/**
 * Seeded random numbers for the tiny-model factory. Math.random cannot be seeded, and the factory's
 * contract is "same seed, byte-identical model file", so weights come from mulberry32 (a 32-bit
 * state generator: tiny, fast and good enough for weight init) with Box-Muller for normals.
 */
export class Rng {
  private state: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    this.state = mulberry32Advance(this.state);
    return mulberry32Output(this.state);
  }

  /** Standard normal; Box-Muller yields two values per pair of uniforms, the second is kept for the next call. */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    // 1 - uniform() lies in (0, 1], so the log is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  normalArray(n: number, std: number, mean = 0): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** An independent stream, so adding a layer to one sub-model does not shift the weights of another. */
  fork(label: string): Rng {
    let h = this.state ^ 0x9e3779b9;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
    return new Rng(h);
  }
}
