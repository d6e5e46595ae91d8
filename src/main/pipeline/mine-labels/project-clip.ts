import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ItemError } from '../../jobs/handler';
import type { OpenProject } from '../../project/project';
import { SqliteFeatureCache } from '../../store/feature-cache-sqlite';
import { createOnnxClipEncoder, normalisationOf, type ClipEncoder, type ClipPreprocessing } from '../features';
import { requireModel, type RegisteredModel } from '../model-roles';

/** NegLabel's own preprocessing (docs/METHOD.md §4: resize bilinear, center-crop): every OOD stage uses the same pixels. */
export const OOD_PREPROCESSING: ClipPreprocessing = 'neglabel';

export interface ProjectClip {
  encoder: ClipEncoder;
  model: RegisteredModel;
  /** The vision tower file, for the scorer export. */
  visionModelPath: string;
}

function readJsonIfPresent(file: string): unknown {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined;
}

/**
 * The project's newest CLIP model as an encoder, its image features cached in the project database. Only the
 * split layout (onnx/vision_model.onnx + onnx/text_model.onnx) can be run tower by tower, so it is required here.
 */
export async function openProjectClip(project: OpenProject, opts: { batchSize?: number } = {}): Promise<ProjectClip> {
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
    // The folder's own mean/std (CLIP's for real CLIP exports; the world's tiny CLIP was trained with ImageNet's).
    normalisation: normalisationOf(readJsonIfPresent(join(model.path, 'preprocessor_config.json'))),
    batchSize: opts.batchSize ?? 32,
    cache: new SqliteFeatureCache(project.db),
  });
  return { encoder, model, visionModelPath };
}
