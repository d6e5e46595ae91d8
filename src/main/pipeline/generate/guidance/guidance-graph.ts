import { makeValueInfo, TensorDataType, vjp, type ModelProto } from '../../../onnx';
import type { GuidanceClassifier } from './classifier';
import { latentScaleGraph, lossGraph, preprocessGraph, resnetPreprocessing } from './glue-graphs';
import { mergedOpset, ModelComposer } from './model-composition';
import { usesGradient, type Objective, type ObjectiveOptions } from './objectives';

export interface GuidanceGraphSpec {
  numClasses: number;
  /** [1, 4, h, w] */
  latentDims: number[];
  /** Decoded image size. */
  height: number;
  width: number;
  latentScale: number;
  objective: Objective;
  objectiveOptions?: ObjectiveOptions;
}

export interface GuidanceModels {
  /** z0 → image01 [1,3,H,W] in [0,1], logits, and `loss` for gradient objectives. */
  forward: ModelProto;
  /** The same plus grad_z0 = ∂loss/∂z0; fed z0 and the cotangents grad_loss = 1, grad_logits = 0, grad_image01 = 0. */
  backward: ModelProto | null;
}

/**
 * One ONNX graph from the latent to the objective: z0 / scale → VAE decoder (its graph inlined) →
 * clamp(x/2 + 0.5) → resize, centre crop, normalise → classifier (inlined) → logits → loss. Its reverse-mode
 * derivative w.r.t. z0 is the skip-gradient update direction: the UNet chain that produced z0 from ε is
 * treated as the identity, as in the official code.
 */
export function buildGuidanceModels(decoder: ModelProto, classifier: GuidanceClassifier, spec: GuidanceGraphSpec): GuidanceModels {
  const withLoss = usesGradient(spec.objective);
  const preprocessing = resnetPreprocessing(spec.height, spec.width, classifier.resizeShorter, classifier.cropSize, classifier.mean, classifier.std);
  const opset = mergedOpset([
    { label: 'vae_decoder', model: decoder },
    { label: 'classifier', model: classifier.model },
  ]);
  const decoderInput = 'latent_sample';
  const decoderOutput = decoder.graph?.output?.[0]?.name;
  if (!decoderOutput) throw new Error('vae_decoder has no output');

  const c = new ModelComposer();
  c.input(makeValueInfo('z0', TensorDataType.FLOAT, spec.latentDims));
  const scaled = c.inline(latentScaleGraph(opset, spec.latentDims, spec.latentScale), 'scale/', { z0: 'z0' });
  const decoded = c.inline(decoder, 'decoder/', { [decoderInput]: scaled.latent_sample! });
  const pre = c.inline(preprocessGraph(opset, spec.height, spec.width, preprocessing), 'pre/', { decoded: decoded[decoderOutput]! });
  const cls = c.inline(classifier.model, 'classifier/', { [classifier.inputName]: pre.pixels! });
  const logits = cls[classifier.outputName]!;
  c.output(pre.image01!, makeValueInfo('image01', TensorDataType.FLOAT, [1, 3, spec.height, spec.width]));
  c.output(logits, makeValueInfo('logits', TensorDataType.FLOAT, [1, spec.numClasses]));
  if (withLoss) {
    const loss = c.inline(lossGraph(opset, spec.objective, spec.objectiveOptions), 'loss/', { logits });
    c.output(loss.loss!, makeValueInfo('loss', TensorDataType.FLOAT, []));
  }
  const forward = c.build(opset, `guidance_${spec.objective}`);
  // The decoded image and logits ride along as extra `of` outputs with zero cotangents: vjp keeps only the
  // `of` outputs, and one run then yields the gradient, the loss and the image the gradient was taken at.
  const backward = withLoss ? vjp(forward, { of: ['loss', 'logits', 'image01'], wrt: ['z0'], keepOutputs: true }) : null;
  return { forward, backward };
}
