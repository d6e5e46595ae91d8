import { linear } from './layers';
import { Net } from './net';

export interface AttentionOptions {
  width: number;
  heads: number;
  /** Width of the key/value source when it differs from the query (cross-attention). */
  kvWidth?: number;
  /** Additive mask broadcastable to [N, heads, Lq, Lk] (0 = keep, large negative = drop). */
  mask?: string;
  /** Whether q/k/v projections carry a bias (CLIP: yes; diffusers cross-attention: no). */
  qkvBias?: boolean;
}

/** [N, L, W] → [N, heads, L, W/heads], or with `keyLayout` [N, heads, W/heads, L] so QKᵀ needs no extra transpose. */
function splitHeads(net: Net, x: string, heads: number, headDim: number, keyLayout: boolean): string {
  const b = net.b;
  const split = b.op('Reshape', [x, b.constI64([0, 0, heads, headDim])]);
  return b.op('Transpose', [split], { perm: keyLayout ? [0, 2, 3, 1] : [0, 2, 1, 3] });
}

/** Scaled dot-product multi-head attention on [N, L, W] sequences, built from MatMul and Softmax as torch exports it. */
export function multiHeadAttention(net: Net, xq: string, xkv: string, name: string, o: AttentionOptions): string {
  const b = net.b;
  const headDim = o.width / o.heads;
  if (!Number.isInteger(headDim)) throw new Error(`attention ${name}: width ${o.width} not divisible by ${o.heads} heads`);
  const kvWidth = o.kvWidth ?? o.width;
  const bias = o.qkvBias ?? true;
  const q = splitHeads(net, linear(net, xq, `${name}.q_proj`, o.width, o.width, { bias }), o.heads, headDim, false);
  const k = splitHeads(net, linear(net, xkv, `${name}.k_proj`, kvWidth, o.width, { bias }), o.heads, headDim, true);
  const v = splitHeads(net, linear(net, xkv, `${name}.v_proj`, kvWidth, o.width, { bias }), o.heads, headDim, false);
  let scores = b.op('Mul', [b.op('MatMul', [q, k]), b.constF32([1 / Math.sqrt(headDim)])]);
  if (o.mask) scores = b.op('Add', [scores, o.mask]);
  const probs = b.op('Softmax', [scores], { axis: -1 });
  const merged = b.op('Transpose', [b.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] });
  const flat = b.op('Reshape', [merged, b.constI64([0, 0, o.width])]);
  return linear(net, flat, `${name}.out_proj`, o.width, o.width);
}

/** [N, C, H, W] feature map ↔ [N, H·W, C] token sequence, for attention blocks inside conv nets. */
export function mapToTokens(net: Net, x: string, channels: number): string {
  const b = net.b;
  return b.op('Transpose', [b.op('Reshape', [x, b.constI64([0, channels, -1])])], { perm: [0, 2, 1] });
}

export function tokensToMap(net: Net, tokens: string, likeMap: string): string {
  const b = net.b;
  return b.op('Reshape', [b.op('Transpose', [tokens], { perm: [0, 2, 1] }), b.op('Shape', [likeMap])]);
}
