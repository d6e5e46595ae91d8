import { copyFileSync, cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { writeTinyClip } from '../../onnx/factory';
import { resourcePath } from '../../onnx/resources';
import { writeTinyVlm } from '../../pipeline/describe/tiny-vlm';
import { importModel, insertModel, type ModelRole } from '../../models';
import type { Db } from '../../store/db';
import { CLASSIFIER_FILE } from '../train-world';

/** Which describer the describe stage runs: the stand-in VLM, or the CLIP-noun describer over the registered CLIP. */
export const WORLD_DESCRIBERS = ['vlm', 'clip-noun'] as const;
export type WorldDescriber = (typeof WORLD_DESCRIBERS)[number];

export interface WorldModels {
  /** The folder or file registered per role (absent: the role is not registered). */
  paths: Partial<Record<ModelRole, string>>;
  /** Per registered role: 'world-trained' (the project trained it on the world) or 'stand-in' (factory random weights). */
  provenance: Partial<Record<ModelRole, 'world-trained' | 'stand-in'>>;
}

/**
 * The models the world runs the pipeline with, written into a project's models folder and registered through the
 * model manager exactly like imported ones. The ONE place the bench and the world demo get their models from.
 *
 * Today: the committed world classifier (resources/world/classifier.onnx, 94.2% InD test accuracy, see
 * classifier.json) is the guidance classifier; CLIP, SD-2 inpainting and the VLM are the factory's seeded
 * random-weight stand-ins in the real layouts (so every number that depends on them means nothing yet).
 *
 * TODO(lead): swap in the two world folders once they land:
 *  - CLIP: the pipeline CLIP folder written from resources/world/clip-*.onnx by src/main/world/clip/pipeline-folder.ts
 *    (replace writeTinyClip below; provenance 'world-trained');
 *  - inpainting: the trained tiny SD-2-layout model committed as resources/world/sd-inpaint/ (copy that folder instead
 *    of writeTinySdInpaint; provenance 'world-trained').
 *  The describers 'clip-noun' on the world vocabulary and 'oracle' (ground-truth elements) come from another helper:
 *  add them to WORLD_DESCRIBERS and register here what each needs.
 */
export async function writeWorldModels(modelsDir: string, db: Db, opts: { describer?: WorldDescriber } = {}): Promise<WorldModels> {
  mkdirSync(modelsDir, { recursive: true });
  const describer = opts.describer ?? 'vlm';
  const paths: Partial<Record<ModelRole, string>> = {
    classifier: path.join(modelsDir, 'world-classifier.onnx'),
    clip: path.join(modelsDir, 'stand-in-clip'),
    inpainting: path.join(modelsDir, 'world-sd2-inpainting'),
  };
  const provenance: WorldModels['provenance'] = { classifier: 'world-trained', clip: 'stand-in', inpainting: 'world-trained' };
  copyFileSync(resourcePath('world', CLASSIFIER_FILE), paths.classifier!);
  writeTinyClip(paths.clip!, { seed: 9, imageSize: 32 });
  cpSync(resourcePath('world', 'sd-inpaint'), paths.inpainting!, { recursive: true });
  if (describer === 'vlm') {
    paths.vlm = path.join(modelsDir, 'stand-in-llava');
    provenance.vlm = 'stand-in';
    writeTinyVlm(paths.vlm);
  }
  for (const [role, source] of Object.entries(paths) as [ModelRole, string][]) {
    const { record } = await importModel({ role, source, provider: 'cpu' });
    insertModel(db, record);
  }
  return { paths, provenance };
}

/** One line saying which model each role runs and whether it was trained on the world. */
export function describeWorldModels(m: WorldModels): string {
  return (Object.entries(m.provenance) as [ModelRole, string][]).map(([role, p]) => `${role} ${p === 'world-trained' ? 'world-trained' : 'STAND-IN (random weights)'}`).join(', ');
}
