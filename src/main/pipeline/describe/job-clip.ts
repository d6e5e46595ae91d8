import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../store/db';
import { clipTowerFiles, createOnnxClipEncoder, createTransformersClipEncoder, type ClipEncoder, type FeatureCache, type TextFeatureCache } from '../features';
import { requireModel } from '../model-roles';

/**
 * The project's registered CLIP model. The split towers run through transformers.js with the folder's own
 * preprocessing (preprocessor_config.json); Optimum's single CLIPModel file (onnx/model.onnx), which transformers.js
 * cannot run one tower of, runs through onnxruntime with each tower cut out of it and CLIP's own preprocessing.
 */
export async function openRegisteredClip(db: Db, cache?: FeatureCache, textCache?: TextFeatureCache): Promise<{ encoder: ClipEncoder; dir: string }> {
  const dir = requireModel(db, 'clip').path;
  // The noun describer ranks ~118k nouns by cosine: float16 keeps its 512-dim features at half the size.
  const text = textCache && { cache: textCache, precision: 'float16' as const };
  const files = clipTowerFiles(dir);
  if (files.layout === 'single') {
    const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as { vision_config?: { image_size?: number } };
    const imageSize = config.vision_config?.image_size ?? 224;
    return { encoder: await createOnnxClipEncoder({ combinedModelPath: files.model, tokenizerDir: dir, preprocessing: 'clip', imageSize, cache, textCache: text }), dir };
  }
  return { encoder: await createTransformersClipEncoder({ modelDir: dir, cache, textCache: text }), dir };
}
