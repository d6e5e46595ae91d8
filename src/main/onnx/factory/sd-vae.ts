import type { ModelProto } from '../index';
import { conv, groupNorm, silu } from './layers';
import { createNet, Net } from './net';
import { downsample, NormSpec, resnetBlock, upsample, vaeAttentionBlock } from './sd-blocks';

export interface VaeOptions {
  seed?: number;
  /** Image side in pixels; the latent side is imageSize / 2^(levels-1) (8× with the usual four levels). */
  imageSize?: number;
  /** Channels per resolution level, finest first (SD: [128, 256, 512, 512]). */
  channels?: number[];
  /** ResNet blocks per level in the encoder; the decoder has one more per level, as in diffusers. */
  layersPerBlock?: number;
  groups?: number;
  latentChannels?: number;
  /** Symbolic (string) or fixed batch dimension. */
  batch?: number | string;
  /**
   * The encoder's output: `latent_parameters` (mean ‖ log-variance, Optimum's current VaeEncoder export, the
   * pipeline samples from it) or `latent_sample` (older exports; here the posterior mean).
   */
  encoderOutput?: 'latent_parameters' | 'latent_sample';
}

/** Stable Diffusion 2's VAE geometry (the decoder is ~49.5M parameters, ~200 MB): benchmarks only. */
export const SD_VAE_SHAPES: VaeOptions = { imageSize: 512, channels: [128, 256, 512, 512], layersPerBlock: 2, groups: 32 };

const TINY_VAE: Required<VaeOptions> = { seed: 0, imageSize: 64, channels: [8, 16, 16, 16], layersPerBlock: 1, groups: 4, latentChannels: 4, batch: 'batch_size', encoderOutput: 'latent_parameters' };

function resolve(opts: VaeOptions): Required<VaeOptions> & { latentSize: number; norm: NormSpec } {
  const o = { ...TINY_VAE, ...opts };
  if (o.channels.length === 0) throw new Error('VAE: channels must list at least one level');
  const factor = 2 ** (o.channels.length - 1);
  if (o.imageSize % factor !== 0) throw new Error(`imageSize ${o.imageSize} is not a multiple of ${factor}`);
  return { ...o, latentSize: o.imageSize / factor, norm: { groups: o.groups, eps: 1e-6 } };
}

function midBlock(net: Net, x: string, prefix: string, channels: number, norm: NormSpec): string {
  let h = resnetBlock(net, x, `${prefix}.mid_block.resnets.0`, channels, channels, norm);
  h = vaeAttentionBlock(net, h, `${prefix}.mid_block.attentions.0`, channels, norm);
  return resnetBlock(net, h, `${prefix}.mid_block.resnets.1`, channels, channels, norm);
}

/**
 * VAE encoder: `sample` [N,3,H,W] in [-1,1] → `latent_parameters` [N,8,H/8,W/8] (posterior mean ‖ log-variance, as
 * Optimum exports it) or `latent_sample` [N,4,H/8,W/8] (the posterior mean, diffusers' `latent_dist.mode()`).
 * Unscaled: callers multiply by 0.18215. The log-variance is shifted by −6 (std ≈ 0.05) so that a random encoder's
 * posterior is narrow, like the SD VAE's.
 */
export function buildVaeEncoder(opts: VaeOptions = {}): ModelProto {
  const o = resolve(opts);
  const net = createNet(o.seed, 'vae_encoder');
  const b = net.b;
  const x = b.input('sample', 'float32', [o.batch, 3, o.imageSize, o.imageSize]);
  let h = conv(net, x, 'encoder.conv_in', { cin: 3, cout: o.channels[0]!, kernel: 3, gain: 1 });
  let ch = o.channels[0]!;
  o.channels.forEach((cout, level) => {
    for (let i = 0; i < o.layersPerBlock; i++) {
      h = resnetBlock(net, h, `encoder.down_blocks.${level}.resnets.${i}`, ch, cout, o.norm);
      ch = cout;
    }
    if (level < o.channels.length - 1) h = downsample(net, h, `encoder.down_blocks.${level}.downsamplers.0`, ch);
  });
  h = midBlock(net, h, 'encoder', ch, o.norm);
  h = silu(net, groupNorm(net, h, 'encoder.conv_norm_out', ch, o.groups, 1e-6));
  h = conv(net, h, 'encoder.conv_out', { cin: ch, cout: 2 * o.latentChannels, kernel: 3, gain: 1 });
  const moments = conv(net, h, 'quant_conv', { cin: 2 * o.latentChannels, cout: 2 * o.latentChannels, kernel: 1, gain: 1 });
  // moments = [mean, logvar] along channels.
  if (o.encoderOutput === 'latent_sample') {
    b.node('Slice', [moments, b.constI64([0]), b.constI64([o.latentChannels]), b.constI64([1])], {}, { outputs: ['latent_sample'] });
    b.output('latent_sample', 'float32', [o.batch, o.latentChannels, o.latentSize, o.latentSize]);
  } else {
    const shift = Array.from({ length: 2 * o.latentChannels }, (_, c) => (c < o.latentChannels ? 0 : -6));
    b.node('Add', [moments, b.constF32(shift, [1, 2 * o.latentChannels, 1, 1])], {}, { outputs: ['latent_parameters'] });
    b.output('latent_parameters', 'float32', [o.batch, 2 * o.latentChannels, o.latentSize, o.latentSize]);
  }
  return b.build();
}

/** VAE decoder: `latent_sample` [N,4,h,w] (already divided by 0.18215) → `sample` [N,3,8h,8w], unclamped. */
export function buildVaeDecoder(opts: VaeOptions = {}): ModelProto {
  const o = resolve(opts);
  const net = createNet(o.seed, 'vae_decoder');
  const b = net.b;
  const z = b.input('latent_sample', 'float32', [o.batch, o.latentChannels, o.latentSize, o.latentSize]);
  let h = conv(net, z, 'post_quant_conv', { cin: o.latentChannels, cout: o.latentChannels, kernel: 1, gain: 1 });
  let ch = o.channels[o.channels.length - 1]!;
  h = conv(net, h, 'decoder.conv_in', { cin: o.latentChannels, cout: ch, kernel: 3, gain: 1 });
  h = midBlock(net, h, 'decoder', ch, o.norm);
  const reversed = [...o.channels].reverse();
  reversed.forEach((cout, i) => {
    for (let j = 0; j <= o.layersPerBlock; j++) {
      h = resnetBlock(net, h, `decoder.up_blocks.${i}.resnets.${j}`, ch, cout, o.norm);
      ch = cout;
    }
    if (i < reversed.length - 1) h = upsample(net, h, `decoder.up_blocks.${i}.upsamplers.0`, ch);
  });
  h = silu(net, groupNorm(net, h, 'decoder.conv_norm_out', ch, o.groups, 1e-6));
  conv(net, h, 'decoder.conv_out', { cin: ch, cout: 3, kernel: 3, gain: 1, output: 'sample' });
  b.output('sample', 'float32', [o.batch, 3, o.imageSize, o.imageSize]);
  return b.build();
}
