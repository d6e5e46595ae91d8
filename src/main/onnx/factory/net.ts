import { GraphBuilder } from '../index';
import { DEFAULT_OPSET } from '../opset';
import { Rng } from './prng';

/** A graph under construction plus the random stream its weights are drawn from. */
export interface Net {
  b: GraphBuilder;
  rng: Rng;
}

export function createNet(seed: number, name: string): Net {
  return { b: new GraphBuilder({ opset: DEFAULT_OPSET, name }), rng: new Rng(seed) };
}

/** A float initializer drawn from N(mean, std²). */
export function randomParam(net: Net, name: string, dims: number[], std: number, mean = 0): string {
  const size = dims.reduce((a, d) => a * d, 1);
  return net.b.initializer(name, net.rng.normalArray(size, std, mean), dims);
}

export function constantParam(net: Net, name: string, dims: number[], value: number): string {
  const size = dims.reduce((a, d) => a * d, 1);
  return net.b.initializer(name, new Float32Array(size).fill(value), dims);
}

/** He/Kaiming std for a layer followed by ReLU-like activation; pass gain 1 for a linear continuation. */
export function kaimingStd(fanIn: number, gain = Math.SQRT2): number {
  return gain / Math.sqrt(fanIn);
}
