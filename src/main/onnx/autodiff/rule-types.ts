import type { onnx } from '../proto-types';
import type { GradGraph } from './grad-graph';

export interface GradientContext {
  // The forward node as it appears in the gradient model (rules may ask for its optional outputs).
  readonly node: onnx.INodeProto;
  readonly opset: number;
  readonly g: GradGraph;
  input(i: number): string;
  output(i: number): string;
  // Cotangent of output i, or undefined when that output does not reach any `of`.
  gradOutput(i: number): string | undefined;
  // Whether input i lies on a path from a `wrt`; rules skip the work for the others.
  needsGrad(i: number): boolean;
  // Name of optional forward output i, added to the forward node if the model left it out.
  forwardOutput(i: number): string;
  // The error to throw when this use of the op is outside what its rule supports (names op and node).
  unsupported(reason: string): Error;
}

// Returns the cotangent for each input (undefined where none is needed or it is identically zero).
export type GradientRule = (ctx: GradientContext) => (string | undefined)[];
