import { makeValueInfo, TensorDataType, toFloat32, vjp, type ModelProto } from '../../../onnx';
import type { GuidanceClassifier } from './classifier';
import { preprocessGraph, resnetPreprocessing } from './glue-graphs';
import { lossGraph } from './loss-graph';
import { mergedOpset, ModelComposer } from './model-composition';
import { usesGradient, type Objective, type ObjectiveOptions } from './objectives';

export interface GuidanceGraphSpec {
  numClasses: number;
  /** [1, 4, h, w] */
  latentDims: number[];
  /** Decoded image size. */
  height: number;
  width: number;
  objective: Objective;
  objectiveOptions?: ObjectiveOptions;
}

export interface GuidanceModels {
  /** u → image01 [1,3,H,W] in [0,1], logits, and `loss` for gradient objectives. */
  forward: ModelProto;
  /** The same plus grad_u = ∂loss/∂u; fed u and the cotangents grad_loss = 1, grad_logits = 0, grad_image01 = 0. */
  backward: ModelProto | null;
}

/**
 * One ONNX graph from the decoder input to the objective: u = z0 / 0.18215 → VAE decoder (its graph inlined) →
 * clamp(x/2 + 0.5) → resize, centre crop, normalise → classifier (inlined) → logits → loss. Its reverse-mode
 * derivative w.r.t. u is the skip-gradient update direction (docs/METHOD.md §3): the official code divides the
 * latent by the scaling factor and then takes the gradient, and treats the UNet chain from ε to z0 as the
 * identity. (∂L/∂z0 would be ∂L/∂u / 0.18215, a 5.49× larger step.)
 */
export function buildGuidanceModels(halfOrFullDecoder: ModelProto, guidanceClassifier: GuidanceClassifier, spec: GuidanceGraphSpec): GuidanceModels {
  // float16 exports are widened (exactly) so they compose with the float32 glue graphs and differentiate.
  const decoder = toFloat32(halfOrFullDecoder);
  const classifier = { ...guidanceClassifier, model: toFloat32(guidanceClassifier.model) };
  const withLoss = usesGradient(spec.objective);
  const preprocessing = resnetPreprocessing(spec.height, spec.width, classifier.resizeShorter, classifier.cropSize, classifier.mean, classifier.std, classifier.resizeFilter);
  const opset = mergedOpset([
    { label: 'vae_decoder', model: decoder },
    { label: 'classifier', model: classifier.model },
  ]);
  const decoderInput = 'latent_sample';
  const decoderOutput = decoder.graph?.output?.[0]?.name;
  if (!decoderOutput) throw new Error('vae_decoder has no output');

  const c = new ModelComposer();
  c.input(makeValueInfo('u', TensorDataType.FLOAT, spec.latentDims));
  const decoded = c.inline(decoder, 'decoder/', { [decoderInput]: 'u' });
  const pre = c.inline(preprocessGraph(opset, spec.height, spec.width, preprocessing), 'pre/', { decoded: decoded[decoderOutput]! });
  const cls = c.inline(classifier.model, 'classifier/', { [classifier.inputName]: pre.pixels! });
  const logits = cls[classifier.outputName]!;
  c.output(pre.image01!, makeValueInfo('image01', TensorDataType.FLOAT, [1, 3, spec.height, spec.width]));
  c.output(logits, makeValueInfo('logits', TensorDataType.FLOAT, [1, spec.numClasses]));
  if (withLoss) {
    const loss = c.inline(lossGraph(opset, spec.objective, spec.objectiveOptions ?? {}, spec.numClasses), 'loss/', { logits });
    c.output(loss.loss!, makeValueInfo('loss', TensorDataType.FLOAT, []));
  }
  const forward = c.build(opset, `guidance_${spec.objective}`);
  // The decoded image and logits ride along as extra `of` outputs with zero cotangents: vjp keeps only the
  // `of` outputs, and one run then yields the gradient, the loss and the image the gradient was taken at.
  const backward = withLoss ? vjp(forward, { of: ['loss', 'logits', 'image01'], wrt: ['u'], keepOutputs: true }) : null;
  return { forward, backward };
}
