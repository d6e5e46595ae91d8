import { makeTensor, tensorDims, TensorDataType, type ModelProto } from '../../onnx';
import { buildInpaintUnet, type UnetOptions } from '../../onnx/factory/sd-unet';
import { CLIP_WORD_DIM } from '../clip/towers';
import { LATENT_SIDE } from '../latent-map';

/** Width of the text states the UNet attends to: the tiny CLIP's word embeddings, unprojected. */
export const WORLD_TEXT_WIDTH = CLIP_WORD_DIM;
export const WORLD_TEXT_LENGTH = 77;

/**
 * The world's inpainting UNet: the factory's SD-2 layout at the 32×32 latent, three levels (32×32, 16×16, 8×8),
 * cross-attention only at 16×16, 8×8 and the mid block (self-attention over 1024 positions would cost more than the
 * rest of the net on two cores), one resnet per level, int64 timestep as Optimum exports it.
 */
export const WORLD_UNET_SHAPE: UnetOptions = {
  latentSize: LATENT_SIDE,
  channels: [12, 24, 48],
  attention: [false, false, true],
  layersPerBlock: 1,
  crossAttentionDim: WORLD_TEXT_WIDTH,
  headDim: 24,
  groups: 4,
  timestepType: 'int64',
  textLength: WORLD_TEXT_LENGTH,
  batch: 'batch',
};

/**
 * The UNet with its output conv zeroed (LDM's zero_module): it starts by predicting ε̂ = 0, loss 1, instead of
 * random noise of its own (loss ≈ 2), which saves the first part of a short run.
 */
export function buildWorldUnet(seed: number): ModelProto {
  const model = buildInpaintUnet({ ...WORLD_UNET_SHAPE, seed });
  const initializer = (model.graph?.initializer ?? []).map((t) => {
    if (t.name !== 'conv_out.weight' && t.name !== 'conv_out.bias') return t;
    const dims = tensorDims(t);
    return makeTensor(t.name, TensorDataType.FLOAT, dims, new Float32Array(dims.reduce((a, d) => a * d, 1)));
  });
  return { ...model, graph: { ...model.graph, initializer } };
}
