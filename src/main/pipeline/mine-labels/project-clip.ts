import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ItemError } from '../../jobs/handler';
import type { OpenProject } from '../../project/project';
import { SqliteFeatureCache } from '../../store/feature-cache-sqlite';
import { createOnnxClipEncoder, type ClipEncoder, type ClipPreprocessing, type TextFeatureCache } from '../features';
import { requireModel, type RegisteredModel } from '../model-roles';

/** NegLabel's own preprocessing (docs/METHOD.md §4: resize bilinear, center-crop): every OOD stage uses the same pixels. */
export const OOD_PREPROCESSING: ClipPreprocessing = 'neglabel';

export interface ProjectClip {
  encoder: ClipEncoder;
  model: RegisteredModel;
  /** The vision tower file, for the scorer export. */
  visionModelPath: string;
}

/**
 * The project's newest CLIP model as an encoder, its image features cached in the project database. Only the
 * split layout (onnx/vision_model.onnx + onnx/text_model.onnx) can be run tower by tower, so it is required here.
 */
export async function openProjectClip(project: OpenProject, opts: { batchSize?: number; textCache?: TextFeatureCache } = {}): Promise<ProjectClip> {
  const model = requireModel(project.db, 'clip');
  const visionModelPath = join(model.path, 'onnx', 'vision_model.onnx');
  const textModelPath = join(model.path, 'onnx', 'text_model.onnx');
  for (const f of [visionModelPath, textModelPath]) {
    if (!existsSync(f)) throw new ItemError(`the CLIP model at ${model.path} has no ${f.slice(model.path.length + 1)}: the OOD stages need the split-tower export (onnx/vision_model.onnx + onnx/text_model.onnx)`);
  }
  const config = JSON.parse(readFileSync(join(model.path, 'config.json'), 'utf8')) as { vision_config?: { image_size?: number } };
  const encoder = await createOnnxClipEncoder({
    visionModelPath,
    textModelPath,
    tokenizerDir: model.path,
    preprocessing: OOD_PREPROCESSING,
    imageSize: config.vision_config?.image_size ?? 224,
    batchSize: opts.batchSize ?? 32,
    cache: new SqliteFeatureCache(project.db),
    // float32: the OOD stages' scores from cached features equal a fresh computation's exactly.
    textCache: opts.textCache && { cache: opts.textCache, precision: 'float32' },
  });
  return { encoder, model, visionModelPath };
}
