export { MODEL_ROLES, type ModelRole, type ValidationProblem, type ProblemCode, type RoleContract, type Layout, type OnnxRule, type TensorRule, type FileRule } from './contract-types';
export { ROLE_CONTRACTS, CLASSIFIER_FILES } from './contracts';
export { VLM_MODEL_TYPES } from './vlm-contract';
export { readOnnxSignature, type OnnxSignature, type TensorSignature, type ExternalDataRef } from './onnx-signature';
export { validateModel, assertValidModel, ModelValidationError, type ValidationReport } from './validate';
export { hashFiles, combinedModelHash, type FileHash, type HashProgress } from './hash';
export {
  importModel,
  recordedFiles,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
  type ModelRecord,
  type ModelSignature,
  type ModelValidation,
  type RecordedOnnx,
} from './import';
export { insertModel, getModel, listModels, findModelByHash, type StoredModel } from '../store/models';
export { downloadFromHub, roleFileList, type HubDownloadOptions, type HubDownloadResult, type HubProgress } from './hub';
export { hubEndpoint, DEFAULT_HUB_ENDPOINT, type RemoteFile } from './hub-http';
export type { DownloadedFile } from './download-file';
export { HubOfflineError, HubHttpError, HubChecksumError, HubInterruptedError, HubCancelledError, type ManualFile } from './hub-errors';
