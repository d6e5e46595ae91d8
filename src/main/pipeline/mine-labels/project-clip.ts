import { existsSync, readFileSync } from 'node:fs';
import { extractOutputs, loadModel, toFloat32, type ModelProto } from '../../onnx';
import { join } from 'node:path';
import { ItemError } from '../../jobs/handler';
import type { OpenProject } from '../../project/project';
import { SqliteFeatureCache } from '../../store/feature-cache-sqlite';
import { clipTowerFiles, createOnnxClipEncoder, normalisationOf, type ClipEncoder, type ClipPreprocessing, type ClipTowerFiles, type TextFeatureCache } from '../features';
import { requireModel, type RegisteredModel } from '../model-roles';

/** NegLabel's own preprocessing (docs/METHOD.md §4: resize bilinear, center-crop): every OOD stage uses the same pixels. */
export const OOD_PREPROCESSING: ClipPreprocessing = 'neglabel';

export interface ProjectClip {
  encoder: ClipEncoder;
  model: RegisteredModel;
  /**
   * The vision tower for the scorer export: its file, or the tower cut out of the single CLIPModel file; a float16
   * tower widened to float32 (as the stages ran it), so scorer.onnx takes float32 pixels and its head reads float32.
   */
  visionTower(): string | ModelProto;
}

function readJsonIfPresent(file: string): unknown {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as unknown) : undefined;
}

/**
 * The project's newest CLIP model as an encoder, its image features cached in the project database. Either layout
 * runs: the split towers, or the single CLIPModel file with each tower cut out of it, each in the precision the CPU
 * prefers among those present (clipTowerFiles: fp32, then fp16 widened on load, then q8, …).
 */
export async function openProjectClip(project: OpenProject, opts: { batchSize?: number; textCache?: TextFeatureCache } = {}): Promise<ProjectClip> {
  const model = requireModel(project.db, 'clip');
  let files: ClipTowerFiles;
  try {
    files = clipTowerFiles(model.path);
  } catch (e) {
    throw new ItemError(e instanceof Error ? e.message : String(e));
  }
  const config = JSON.parse(readFileSync(join(model.path, 'config.json'), 'utf8')) as { vision_config?: { image_size?: number } };
  const encoder = await createOnnxClipEncoder({
    ...(files.layout === 'split' ? { visionModelPath: files.vision, textModelPath: files.text } : { combinedModelPath: files.model }),
    tokenizerDir: model.path,
    preprocessing: OOD_PREPROCESSING,
    imageSize: config.vision_config?.image_size ?? 224,
    // The folder's own mean/std (CLIP's for real CLIP exports; the world's tiny CLIP was trained with ImageNet's).
    normalisation: normalisationOf(readJsonIfPresent(join(model.path, 'preprocessor_config.json'))),
    batchSize: opts.batchSize ?? 32,
    cache: new SqliteFeatureCache(project.db),
    // float32: the OOD stages' scores from cached features equal a fresh computation's exactly.
    textCache: opts.textCache && { cache: opts.textCache, precision: 'float32' },
  });
  const visionTower = () => {
    if (files.layout === 'split' && files.visionDtype === 'fp32') return files.vision;
    return toFloat32(files.layout === 'split' ? loadModel(files.vision) : extractOutputs(loadModel(files.model), ['image_embeds']));
  };
  return { encoder, model, visionTower };
}
