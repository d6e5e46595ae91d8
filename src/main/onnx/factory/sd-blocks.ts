import { mapToTokens, multiHeadAttention, tokensToMap } from './attention';
import { conv, geluExact, groupNorm, layerNorm, linear, silu, upsampleNearest2x } from './layers';
import { Net } from './net';

/** Normalisation settings shared by a diffusers model (UNet: 32 groups, eps 1e-5; VAE: 32 groups, eps 1e-6). */
export interface NormSpec {
  groups: number;
  eps: number;
}

/** Gain of the last conv of a residual branch: small, so stacked blocks keep the stream near unit scale. */
const BRANCH_GAIN = 0.3;

/** diffusers ResnetBlock2D: GN → SiLU → conv, (+ time embedding), GN → SiLU → conv, plus a 1×1 shortcut when widths differ. */
export function resnetBlock(net: Net, x: string, name: string, cin: number, cout: number, norm: NormSpec, temb?: { tensor: string; dim: number }): string {
  const b = net.b;
  let h = conv(net, silu(net, groupNorm(net, x, `${name}.norm1`, cin, norm.groups, norm.eps)), `${name}.conv1`, { cin, cout, kernel: 3 });
  if (temb) {
    const projected = linear(net, silu(net, temb.tensor), `${name}.time_emb_proj`, temb.dim, cout);
    h = b.op('Add', [h, b.op('Unsqueeze', [projected, b.constI64([2, 3])])]);
  }
  h = conv(net, silu(net, groupNorm(net, h, `${name}.norm2`, cout, norm.groups, norm.eps)), `${name}.conv2`, { cin: cout, cout, kernel: 3, gain: BRANCH_GAIN });
  const shortcut = cin === cout ? x : conv(net, x, `${name}.conv_shortcut`, { cin, cout, kernel: 1, gain: 1 });
  return b.op('Add', [shortcut, h]);
}

/** The VAE's mid-block attention: GroupNorm, single-head softmax attention over all H·W positions, residual. */
export function vaeAttentionBlock(net: Net, x: string, name: string, channels: number, norm: NormSpec): string {
  const tokens = mapToTokens(net, groupNorm(net, x, `${name}.group_norm`, channels, norm.groups, norm.eps), channels);
  const attended = multiHeadAttention(net, tokens, tokens, name, { width: channels, heads: 1 });
  return net.b.op('Add', [x, tokensToMap(net, attended, x)]);
}

/**
 * The UNet's Transformer2DModel (SD-2 uses linear proj_in/proj_out): self-attention, cross-attention to the
 * text states, then an exact-GELU MLP (SD uses GEGLU; a plain GELU MLP has the same role and op kinds).
 */
export function crossAttentionBlock(net: Net, x: string, name: string, channels: number, heads: number, context: { tensor: string; dim: number }, norm: NormSpec): string {
  const b = net.b;
  let t = mapToTokens(net, groupNorm(net, x, `${name}.norm`, channels, norm.groups, 1e-6), channels);
  t = linear(net, t, `${name}.proj_in`, channels, channels);
  const block = `${name}.transformer_blocks.0`;
  const n1 = layerNorm(net, t, `${block}.norm1`, channels);
  t = b.op('Add', [t, multiHeadAttention(net, n1, n1, `${block}.attn1`, { width: channels, heads, qkvBias: false })]);
  const n2 = layerNorm(net, t, `${block}.norm2`, channels);
  t = b.op('Add', [t, multiHeadAttention(net, n2, context.tensor, `${block}.attn2`, { width: channels, heads, kvWidth: context.dim, qkvBias: false })]);
  const n3 = layerNorm(net, t, `${block}.norm3`, channels);
  const ff = linear(net, geluExact(net, linear(net, n3, `${block}.ff.0`, channels, 4 * channels)), `${block}.ff.2`, 4 * channels, channels, { gain: 0.5 });
  t = linear(net, b.op('Add', [t, ff]), `${name}.proj_out`, channels, channels, { gain: 0.5 });
  return b.op('Add', [x, tokensToMap(net, t, x)]);
}

export function downsample(net: Net, x: string, name: string, channels: number): string {
  return conv(net, x, `${name}.conv`, { cin: channels, cout: channels, kernel: 3, stride: 2, pad: 1, gain: 1 });
}

/** diffusers Upsample2D: nearest ×2, then a 3×3 conv. */
export function upsample(net: Net, x: string, name: string, channels: number): string {
  return conv(net, upsampleNearest2x(net, x), `${name}.conv`, { cin: channels, cout: channels, kernel: 3, gain: 1 });
}
