import { loadModel, type ModelProto } from '../../../onnx';
import type { ResizeFilter } from '../../../../shared/guidance';

/** torchvision's ImageNet normalisation. */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/**
 * The resize before the centre crop. 'bilinear-antialias': torchvision ≥ 0.17 `Resize` on a tensor
 * (interpolate bilinear with antialias=True); 'bilinear': without antialias (torchvision < 0.17 tensors).
 */
export type { ResizeFilter };

/** The classifier whose logits steer the noise, with the preprocessing its training used. */
export interface GuidanceClassifier {
  model: ModelProto;
  inputName: string;
  outputName: string;
  /** From the output's declared shape; null when it is symbolic. */
  numClasses: number | null;
  /** Centre-crop side = the network's input side (ResNet-50: 224). */
  cropSize: number;
  /** Shorter side before the crop (ResNet-50 IMAGENET1K_V2: 232). */
  resizeShorter: number;
  resizeFilter: ResizeFilter;
  mean: number[];
  std: number[];
}

export interface GuidanceClassifierOptions {
  inputName?: string;
  outputName?: string;
  /** Default: the input's fixed spatial size, else 224. */
  cropSize?: number;
  /** Default: round(crop·232/224), IMAGENET1K_V2's ratio (232 for 224). */
  resizeShorter?: number;
  /** Default 'bilinear-antialias'. */
  resizeFilter?: ResizeFilter;
  mean?: number[];
  std?: number[];
}

/** Reads an ONNX image classifier (file or proto) and fills in torchvision ResNet-50 V2 preprocessing defaults. */
export function loadGuidanceClassifier(src: string | ModelProto, opts: GuidanceClassifierOptions = {}): GuidanceClassifier {
  const model = typeof src === 'string' ? loadModel(src) : src;
  const graph = model.graph;
  if (!graph) throw new Error('classifier model has no graph');
  const initNames = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const inputs = (graph.input ?? []).filter((i) => !initNames.has(i.name ?? ''));
  const input = opts.inputName ? inputs.find((i) => i.name === opts.inputName) : inputs[0];
  if (!input || inputs.length !== 1) {
    throw new Error(`classifier must have exactly one image input${opts.inputName ? ` named "${opts.inputName}"` : ''} (it has: ${inputs.map((i) => i.name).join(', ')})`);
  }
  const outputName = opts.outputName ?? graph.output?.[0]?.name ?? '';
  if (!(graph.output ?? []).some((o) => o.name === outputName)) throw new Error(`classifier has no output "${outputName}"`);
  const outDim = graph.output!.find((o) => o.name === outputName)!.type?.tensorType?.shape?.dim?.[1]?.dimValue;
  const dims = input.type?.tensorType?.shape?.dim ?? [];
  if (dims.length !== 4) throw new Error(`classifier input "${input.name}" must be NCHW (rank 4), it has rank ${dims.length}`);
  const fixedSide = dims[2]?.dimValue !== undefined && dims[2]?.dimValue !== null ? Number(dims[2].dimValue) : undefined;
  const cropSize = opts.cropSize ?? fixedSide ?? 224;
  return {
    model,
    inputName: input.name ?? '',
    outputName,
    numClasses: outDim !== undefined && outDim !== null && Number(outDim) > 0 ? Number(outDim) : null,
    cropSize,
    resizeShorter: opts.resizeShorter ?? Math.round((cropSize * 232) / 224),
    resizeFilter: opts.resizeFilter ?? 'bilinear-antialias',
    mean: opts.mean ?? IMAGENET_MEAN,
    std: opts.std ?? IMAGENET_STD,
  };
}
