import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../../store/db';
import { createTransformersClipEncoder, type ClipEncoder, type FeatureCache, type TextFeatureCache } from '../features';
import { requireModel } from '../model-roles';

/** The project's registered CLIP model, opened with the folder's own preprocessing (preprocessor_config.json). */
export async function openRegisteredClip(db: Db, cache?: FeatureCache, textCache?: TextFeatureCache): Promise<{ encoder: ClipEncoder; dir: string }> {
  const dir = requireModel(db, 'clip').path;
  // transformers.js loads each tower from its own file; the single CLIPModel export cannot be split at load time.
  if (!fs.existsSync(path.join(dir, 'onnx', 'vision_model.onnx'))) {
    throw new Error(`clip model ${dir}: onnx/vision_model.onnx is missing; these stages need the split-tower layout (onnx/text_model.onnx + onnx/vision_model.onnx)`);
  }
  return { encoder: await createTransformersClipEncoder({
      modelDir: dir,
      cache,
      // The noun describer ranks ~118k nouns by cosine: float16 keeps its 512-dim features at half the size.
      textCache: textCache && { cache: textCache, precision: 'float16' },
    }), dir };
}
