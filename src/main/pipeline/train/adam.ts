import { checkSameShapes, type Optimizer, type OptimizerState } from './optimizer';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** L2 penalty added to the gradient (torch.optim.Adam's weight_decay), not AdamW's decoupled decay. */
  weightDecay?: number;
}

/**
 * torch.optim.Adam (amsgrad=False, maximize=False), single-tensor path:
 *   g ← g + wd·p;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;
 *   p ← p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + eps).
 * Arithmetic is done in float64 per element and stored back as float32 (torch does it in float32; the
 * difference is rounding only).
 */
export class Adam implements Optimizer {
  readonly name = 'adam';
  private t = 0;
  private m: Float32Array[] = [];
  private v: Float32Array[] = [];
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;

  constructor(opts: AdamOptions = {}) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
  }

  step(params: Float32Array[], grads: Float32Array[], lr: number): void {
    checkSameShapes(params, grads);
    if (this.m.length === 0) {
      this.m = params.map((p) => new Float32Array(p.length));
      this.v = params.map((p) => new Float32Array(p.length));
    }
    this.t++;
    const { beta1, beta2, eps, weightDecay } = this;
    const bc1 = 1 - beta1 ** this.t;
    const sqrtBc2 = Math.sqrt(1 - beta2 ** this.t);
    const stepSize = lr / bc1;
    for (let k = 0; k < params.length; k++) {
      const p = params[k]!;
      const g = grads[k]!;
      const m = this.m[k]!;
      const v = this.v[k]!;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]! + weightDecay * p[i]!;
        const mi = beta1 * m[i]! + (1 - beta1) * gi;
        const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i]! - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
      }
    }
  }

  getState(): OptimizerState {
    const buffers: Record<string, Float32Array> = {};
    this.m.forEach((b, i) => (buffers[`exp_avg.${i}`] = b.slice()));
    this.v.forEach((b, i) => (buffers[`exp_avg_sq.${i}`] = b.slice()));
    return { step: this.t, buffers };
  }

  setState(state: OptimizerState): void {
    this.t = state.step;
    this.m = collect(state.buffers, 'exp_avg');
    this.v = collect(state.buffers, 'exp_avg_sq');
    if (this.m.length !== this.v.length) throw new Error('adam: checkpoint has unequal exp_avg and exp_avg_sq buffers');
  }
}

/** Buffers `${slot}.0`, `${slot}.1`, ... in index order (copies, so the caller's state is not aliased). */
export function collect(buffers: Record<string, Float32Array>, slot: string): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; buffers[`${slot}.${i}`]; i++) out.push(buffers[`${slot}.${i}`]!.slice());
  return out;
}
