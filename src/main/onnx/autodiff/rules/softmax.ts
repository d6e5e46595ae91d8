import { attrInt } from '../../attributes';
import type { GradientRule } from '../rule-types';

// Opset-13 semantics: normalisation along one axis (default -1).
const softmax: GradientRule = (c) => {
  const y = c.output(0);
  const gy = c.gradOutput(0)!;
  const axis = attrInt(c.node, 'axis', -1);
  const dot = c.g.reduceSum(c.g.op('Mul', [gy, y]), [axis], true);
  return [c.g.op('Mul', [y, c.g.op('Sub', [gy, dot])])];
};

const logSoftmax: GradientRule = (c) => {
  const y = c.output(0);
  const gy = c.gradOutput(0)!;
  const axis = attrInt(c.node, 'axis', -1);
  const total = c.g.reduceSum(gy, [axis], true);
  return [c.g.op('Sub', [gy, c.g.op('Mul', [c.g.op('Exp', [y]), total])])];
};

export const softmaxRules: Record<string, GradientRule> = { Softmax: softmax, LogSoftmax: logSoftmax };
