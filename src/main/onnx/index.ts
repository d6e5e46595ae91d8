export type { onnx } from './proto';
export { loadModel, saveModel, decodeModel, type ModelProto } from './model-io';
export { extractOutputs } from './extract';
export { tensorToArray, makeTensor, tensorDims, type TensorArray } from './tensor';
export { GraphBuilder, makeValueInfo, type Dim } from './graph-builder';
export { DEFAULT_OPSET, defaultDomainOpset, irVersionFor } from './opset';
export { TensorDataType, AttributeType, type ElemTypeName } from './data-types';
export { type AttrValue } from './attributes';
export { vjp, type VjpOptions } from './autodiff/vjp';
export { collectGarbage } from './collect-garbage';
export { bindInputShapes, type InputShapes } from './autodiff/bind-input-shapes';
export {
  toFloat32,
  hasFloat16,
  float16ToFloat32Array,
  float32ToFloat16Array,
  type ToFloat32Options,
} from './float16';
export { gradientRegistry } from './autodiff/registry';
export type { GradientRule, GradientContext } from './autodiff/rule-types';
export { MissingGradientError, UnsupportedGradientError } from './autodiff/errors';
export {
  createSession,
  runModel,
  providerOrder,
  type ProviderName,
  type SessionHandle,
  type CreateSessionOptions,
  type Float16Mode,
} from './session';
export { onnxInfo, onnxVjp } from './cli';
