export type { ClipEncoder, ClipFeatures, ImageInput, ProgressCallback } from './clip-encoder';
export { normaliseRows } from './normalise-rows';
export { createOnnxClipEncoder, type OnnxClipEncoderOptions } from './onnx-clip-encoder';
export { createTransformersClipEncoder, type TransformersClipEncoderOptions, type TransformersPreprocessing } from './transformers-clip-encoder';
export { preprocessInto, preprocessingKey, resizedShape, normalisationOf, CLIP_MEAN, CLIP_STD, CLIP_NORMALISATION, type ChannelNormalisation, type ClipPreprocessing } from './clip-preprocess';
export { MemoryFeatureCache, type FeatureCache } from './feature-cache';
export { encodeTextsCached, textEncoderKey, type TextFeatureCache, type TextCacheUse, type TextCachePrecision, type CachedTextEncodingOptions } from './cached-text-encoding';
export { encodeImagesCached, sha256Hex, type CachedEncodingOptions } from './cached-image-encoding';
export { sha256OfModelFile } from './model-hash';
export { loadLocalTokenizer, type TextTokenizer, type TokenizedTexts } from './tokenize';
export {
  loadClipTokenizer,
  readClipTokenizerFolder,
  clipTokenizerJson,
  parseMerges,
  type TokenizerFolderFiles,
  type TokenizerLayout,
} from './clip-tokenizer-files';
export { clipTowerFiles, type ClipTowerFiles } from './clip-layout';
