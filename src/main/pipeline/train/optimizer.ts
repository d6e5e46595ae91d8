/** What a training loop needs from an optimizer: one in-place update, and a state a checkpoint can carry. */
export interface OptimizerState {
  step: number;
  /** One buffer per parameter and slot, e.g. `exp_avg.0`, `exp_avg_sq.0`, `momentum_buffer.0`. */
  buffers: Record<string, Float32Array>;
}

export interface Optimizer {
  readonly name: string;
  /** Updates `params` in place from `grads` (same order, same lengths) with learning rate `lr`. */
  step(params: Float32Array[], grads: Float32Array[], lr: number): void;
  getState(): OptimizerState;
  setState(state: OptimizerState): void;
}

export function checkSameShapes(params: Float32Array[], grads: Float32Array[]): void {
  if (params.length !== grads.length) throw new Error(`optimizer: ${params.length} parameters but ${grads.length} gradients`);
  for (let i = 0; i < params.length; i++) {
    if (params[i]!.length !== grads[i]!.length) {
      throw new Error(`optimizer: parameter ${i} has ${params[i]!.length} values but its gradient has ${grads[i]!.length}`);
    }
  }
}
