import { collect } from './adam';
import { checkSameShapes, type Optimizer, type OptimizerState } from './optimizer';

export interface SgdOptions {
  momentum?: number;
  /** L2 penalty added to the gradient (torch.optim.SGD's weight_decay). */
  weightDecay?: number;
}

/**
 * torch.optim.SGD (dampening=0, nesterov=False, maximize=False):
 *   g ← g + wd·p;  b ← g on the first step, else b ← μ·b + g;  p ← p − lr·b.
 * With momentum 0 no buffer is kept and p ← p − lr·g.
 */
export class Sgd implements Optimizer {
  readonly name = 'sgd';
  private t = 0;
  private buf: Float32Array[] = [];
  private readonly momentum: number;
  private readonly weightDecay: number;

  constructor(opts: SgdOptions = {}) {
    this.momentum = opts.momentum ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
  }

  step(params: Float32Array[], grads: Float32Array[], lr: number): void {
    checkSameShapes(params, grads);
    const first = this.buf.length === 0;
    if (first && this.momentum !== 0) this.buf = params.map((p) => new Float32Array(p.length));
    this.t++;
    const { momentum, weightDecay } = this;
    for (let k = 0; k < params.length; k++) {
      const p = params[k]!;
      const g = grads[k]!;
      const b = this.buf[k];
      for (let i = 0; i < p.length; i++) {
        let d = g[i]! + weightDecay * p[i]!;
        if (b) {
          d = first ? d : momentum * b[i]! + d;
          b[i] = d;
        }
        p[i] = p[i]! - lr * d;
      }
    }
  }

  getState(): OptimizerState {
    const buffers: Record<string, Float32Array> = {};
    this.buf.forEach((b, i) => (buffers[`momentum_buffer.${i}`] = b.slice()));
    return { step: this.t, buffers };
  }

  setState(state: OptimizerState): void {
    this.t = state.step;
    this.buf = collect(state.buffers, 'momentum_buffer');
  }
}
