import { GraphBuilder, gradientRegistry, type ModelProto } from '../../../onnx';
import { resolvedObjectiveOptions, type Objective, type ObjectiveOptions } from './objectives';

/**
 * logits [N, C] → scalar `loss` = mean over the N rows of each image's loss ℓ (docs/METHOD.md §3). The guidance
 * graph runs one image at a time (N = 1); the batch-mean reduction's 1/B is applied to the step, which is the
 * same gradient because an image's ℓ depends on no other image.
 */
export function lossGraph(opset: number, objective: Objective, options: ObjectiveOptions, numClasses: number): ModelProto {
  const opts = resolvedObjectiveOptions(objective, options, numClasses);
  const b = new GraphBuilder({ opset, name: `loss_${objective}` });
  const f = b.input('logits', 'float32', ['batch', 'classes']);
  let perImage: string;
  if (objective === 'energy') {
    // E = −τ·logsumexp(f/τ); ℓ = relu(m_out − E)²: pushes E up while it is below m_out, then stops.
    const tau = opts.energyTemperature!;
    const energy = b.op('Neg', [b.op('Mul', [b.constF32([tau], []), logSumExp(b, b.op('Div', [f, b.constF32([tau], [])]))])]);
    const gap = b.op('Relu', [b.op('Sub', [b.constF32([opts.energyMargin!], []), energy])]);
    perImage = b.op('Mul', [gap, gap]);
  } else if (objective === 'official') {
    const s = b.op('Sub', [reduce(b, 'ReduceMean', f, 1), logSumExp(b, f)]);
    const d = b.op('Sub', [b.constF32([opts.officialTargetApplied!], []), s]);
    perImage = b.op('Mul', [d, d]);
  } else if (objective === 'msp') {
    perImage = reduce(b, 'ReduceMax', b.op('Softmax', [f], { axis: 1 }), 1);
  } else {
    throw new Error(`objective "${objective}" has no loss`);
  }
  b.node('ReduceMean', opset >= 18 ? [perImage, b.constI64([0])] : [perImage], opset >= 18 ? { keepdims: 0 } : { axes: [0], keepdims: 0 }, { outputs: ['loss'] });
  b.output('loss', 'float32', []);
  return b.build();
}

/** A reduction over one axis without keeping it, in the form the opset wants (axes became an input at 18). */
function reduce(b: GraphBuilder, op: string, x: string, axis: number): string {
  return b.opset >= 18 ? b.op(op, [x, b.constI64([axis])], { keepdims: 0 }) : b.op(op, [x], { axes: [axis], keepdims: 0 });
}

/**
 * logsumexp over the class axis. ReduceLogSumExp when the autodiff engine can differentiate it; otherwise
 * the max-shifted composite m + log Σ exp(f − m), whose gradient through m cancels exactly.
 */
function logSumExp(b: GraphBuilder, f: string): string {
  if (gradientRegistry.has('ReduceLogSumExp')) return reduce(b, 'ReduceLogSumExp', f, 1);
  const m = b.opset >= 18 ? b.op('ReduceMax', [f, b.constI64([1])], { keepdims: 1 }) : b.op('ReduceMax', [f], { axes: [1], keepdims: 1 });
  const sum = b.op('ReduceSum', [b.op('Exp', [b.op('Sub', [f, m])]), b.constI64([1])], { keepdims: 0 });
  return b.op('Add', [b.op('Log', [sum]), b.op('Squeeze', [m, b.constI64([1])])]);
}
