import { multiHeadAttention } from './attention';
import { geluExact, layerNorm, linear } from './layers';
import { Net } from './net';

export interface EncoderLayerOptions {
  width: number;
  heads: number;
  mlpRatio?: number;
  /** Additive attention mask broadcastable to [N, heads, L, L]. */
  mask?: string;
  eps?: number;
}

/** One pre-LayerNorm transformer layer as in CLIP: x + attn(LN(x)), then + MLP(LN(·)) with exact GELU. */
export function encoderLayer(net: Net, x: string, prefix: string, o: EncoderLayerOptions): string {
  const b = net.b;
  const eps = o.eps ?? 1e-5;
  const hidden = o.width * (o.mlpRatio ?? 4);
  const attnIn = layerNorm(net, x, `${prefix}.layer_norm1`, o.width, eps);
  const attn = multiHeadAttention(net, attnIn, attnIn, `${prefix}.self_attn`, { width: o.width, heads: o.heads, mask: o.mask });
  const h = b.op('Add', [x, attn]);
  const mlpIn = layerNorm(net, h, `${prefix}.layer_norm2`, o.width, eps);
  const up = geluExact(net, linear(net, mlpIn, `${prefix}.mlp.fc1`, o.width, hidden));
  return b.op('Add', [h, linear(net, up, `${prefix}.mlp.fc2`, hidden, o.width, { gain: 0.5 })]);
}

/** Scalar int64 tensor holding dimension `axis` of `tensor`'s runtime shape. */
export function dimScalar(net: Net, tensor: string, axis: number): string {
  return net.b.op('Gather', [net.b.op('Shape', [tensor]), net.b.constI64([axis], [])], { axis: 0 });
}

/** int64 [0, 1, …, n-1] for a runtime scalar n. */
export function arange(net: Net, n: string): string {
  return net.b.op('Range', [net.b.constI64([0], []), n, net.b.constI64([1], [])]);
}
