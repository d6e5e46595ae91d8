import type { ModelProto } from '../index';
import { conv, groupNorm, linear, silu } from './layers';
import { createNet, Net } from './net';
import { crossAttentionBlock, downsample, NormSpec, resnetBlock, upsample } from './sd-blocks';

export interface UnetOptions {
  seed?: number;
  latentSize?: number;
  /** Channels per level, finest first (SD-2: [320, 640, 1280, 1280]). */
  channels?: number[];
  /** Whether each level has cross-attention (SD-2: all but the coarsest). */
  attention?: boolean[];
  layersPerBlock?: number;
  /** Width of encoder_hidden_states (SD-2: 1024). */
  crossAttentionDim?: number;
  /** Channels per attention head (SD-2: 64). */
  headDim?: number;
  groups?: number;
  /** Optimum exports an int64 timestep; diffusers' legacy ONNX script a float one. */
  timestepType?: 'int64' | 'float32';
  textLength?: number;
  batch?: number | string;
}

/** Stable Diffusion 2 UNet geometry at reduced depth (1 block per level instead of 2): GPU benchmarks only. */
export const SD2_UNET_SHAPES: UnetOptions = {
  latentSize: 64,
  channels: [320, 640, 1280, 1280],
  attention: [true, true, true, false],
  layersPerBlock: 1,
  crossAttentionDim: 1024,
  headDim: 64,
  groups: 32,
};

const TINY_UNET: Required<UnetOptions> = {
  seed: 0,
  latentSize: 8,
  channels: [16, 32],
  attention: [true, false],
  layersPerBlock: 1,
  crossAttentionDim: 32,
  headDim: 8,
  groups: 4,
  timestepType: 'int64',
  textLength: 77,
  batch: 'batch_size',
};

/** Sinusoidal timestep features [steps, dim] with cos first (diffusers' flip_sin_to_cos=True, shift 0), then the 2-layer MLP. */
function timeEmbedding(net: Net, timestep: string, dim: number): { tensor: string; dim: number } {
  const b = net.b;
  const half = dim / 2;
  const freqs = new Float32Array(half);
  for (let i = 0; i < half; i++) freqs[i] = Math.exp((-Math.log(10000) * i) / half);
  const t = b.op('Unsqueeze', [b.op('Cast', [timestep], { to: 1 }), b.constI64([1])]);
  const args = b.op('Mul', [t, b.constF32(freqs, [1, half])]);
  const features = b.op('Concat', [b.op('Cos', [args]), b.op('Sin', [args])], { axis: 1 });
  const hidden = silu(net, linear(net, features, 'time_embedding.linear_1', dim, 4 * dim));
  return { tensor: linear(net, hidden, 'time_embedding.linear_2', 4 * dim, 4 * dim), dim: 4 * dim };
}

/**
 * An inpainting UNet: `sample` [N,9,h,w] (4 noisy latent + 1 mask + 4 masked-image latent), `timestep` [steps]
 * (1 or N), `encoder_hidden_states` [N,77,C] → `out_sample` [N,4,h,w] (predicted noise).
 */
export function buildInpaintUnet(opts: UnetOptions = {}): ModelProto {
  const o: Required<UnetOptions> = { ...TINY_UNET, ...opts };
  const norm: NormSpec = { groups: o.groups, eps: 1e-5 };
  const base = o.channels[0];
  if (base === undefined) throw new Error('buildInpaintUnet: channels must list at least one level');
  const net = createNet(o.seed, 'unet');
  const b = net.b;
  const x = b.input('sample', 'float32', [o.batch, 9, o.latentSize, o.latentSize]);
  const timestep = b.input('timestep', o.timestepType, ['steps']);
  const context = { tensor: b.input('encoder_hidden_states', 'float32', [o.batch, o.textLength, o.crossAttentionDim]), dim: o.crossAttentionDim };
  const temb = timeEmbedding(net, timestep, base);
  const attend = (h: string, name: string, ch: number) => crossAttentionBlock(net, h, name, ch, ch / o.headDim, context, norm);

  let h = conv(net, x, 'conv_in', { cin: 9, cout: base, kernel: 3, gain: 1 });
  let ch = base;
  const skips: { tensor: string; channels: number }[] = [{ tensor: h, channels: ch }];
  o.channels.forEach((cout, level) => {
    for (let i = 0; i < o.layersPerBlock; i++) {
      h = resnetBlock(net, h, `down_blocks.${level}.resnets.${i}`, ch, cout, norm, temb);
      ch = cout;
      if (o.attention[level]) h = attend(h, `down_blocks.${level}.attentions.${i}`, ch);
      skips.push({ tensor: h, channels: ch });
    }
    if (level < o.channels.length - 1) {
      h = downsample(net, h, `down_blocks.${level}.downsamplers.0`, ch);
      skips.push({ tensor: h, channels: ch });
    }
  });
  h = resnetBlock(net, h, 'mid_block.resnets.0', ch, ch, norm, temb);
  h = attend(h, 'mid_block.attentions.0', ch);
  h = resnetBlock(net, h, 'mid_block.resnets.1', ch, ch, norm, temb);
  for (let level = o.channels.length - 1, i = 0; level >= 0; level--, i++) {
    const cout = o.channels[level]!;
    for (let j = 0; j <= o.layersPerBlock; j++) {
      const skip = skips.pop()!;
      h = resnetBlock(net, b.op('Concat', [h, skip.tensor], { axis: 1 }), `up_blocks.${i}.resnets.${j}`, ch + skip.channels, cout, norm, temb);
      ch = cout;
      if (o.attention[level]) h = attend(h, `up_blocks.${i}.attentions.${j}`, ch);
    }
    if (level > 0) h = upsample(net, h, `up_blocks.${i}.upsamplers.0`, ch);
  }
  h = silu(net, groupNorm(net, h, 'conv_norm_out', ch, o.groups, 1e-5));
  conv(net, h, 'conv_out', { cin: ch, cout: 4, kernel: 3, gain: 1, output: 'out_sample' });
  b.output('out_sample', 'float32', [o.batch, 4, o.latentSize, o.latentSize]);
  return b.build();
}
