import { copyFileSync, cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { resourcePath } from '../../onnx/resources';
import { writeTinyVlm } from '../../pipeline/describe/tiny-vlm';
import { importModel, insertModel, type ModelRole } from '../../models';
import type { Db } from '../../store/db';
import { CLASSIFIER_FILE } from '../train-world';
import { committedWorldClipFiles, writeWorldClipFolder } from '../clip/pipeline-folder';

/**
 * Which describer the describe stage runs: the CLIP-noun describer over the world's nouns on the world CLIP (the
 * default: a model, like the paper's VLM), the oracle (ground-truth elements, labelled as such: an upper bound), or
 * the factory's random-weight LLaVA-layout VLM (a stand-in: no VLM is trained on the world).
 */
export const WORLD_DESCRIBERS = ['clip-noun', 'oracle', 'vlm'] as const;
export type WorldDescriber = (typeof WORLD_DESCRIBERS)[number];

export interface WorldModels {
  /** The folder or file registered per role (absent: the role is not registered). */
  paths: Partial<Record<ModelRole, string>>;
  /** Per registered role: 'world-trained' (the project trained it on the world) or 'stand-in' (factory random weights). */
  provenance: Partial<Record<ModelRole, 'world-trained' | 'stand-in'>>;
}

/**
 * The models the world runs the pipeline with, written into a project's models folder and registered through the
 * model manager exactly like imported ones. The ONE place the bench and the world demo get their models from:
 * the committed world classifier (guidance; resources/world/classifier.json), the tiny CLIP as a pipeline CLIP
 * folder (clip/pipeline-folder.ts, from resources/world/clip-*.onnx) and the trained SD-2-layout inpainting model
 * (resources/world/sd-inpaint/). Only the VLM, registered for the 'vlm' describer alone, is a random-weight stand-in.
 */
export async function writeWorldModels(modelsDir: string, db: Db, opts: { describer?: WorldDescriber } = {}): Promise<WorldModels> {
  mkdirSync(modelsDir, { recursive: true });
  const describer = opts.describer ?? 'clip-noun';
  const paths: Partial<Record<ModelRole, string>> = {
    classifier: path.join(modelsDir, 'world-classifier.onnx'),
    clip: path.join(modelsDir, 'world-clip'),
    inpainting: path.join(modelsDir, 'world-sd2-inpainting'),
  };
  const provenance: WorldModels['provenance'] = { classifier: 'world-trained', clip: 'world-trained', inpainting: 'world-trained' };
  copyFileSync(resourcePath('world', CLASSIFIER_FILE), paths.classifier!);
  writeWorldClipFolder(paths.clip!, committedWorldClipFiles(resourcePath('world')));
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
