import path from 'node:path';
import { writeTinyClassifier, writeTinyClip, writeTinySdInpaint } from '../onnx/factory';
import { writeTinyVlm } from '../pipeline/describe/tiny-vlm';
import { importModel, insertModel, type ModelRole } from '../models';
import type { Db } from '../store/db';

/** Diffusion side of the demo: small enough that 3 guided iterations of 13 UNet calls take well under a second. */
export const DEMO_IMAGE_SIZE = 64;

/**
 * The factory's seeded random-weight models, in the same folder layouts and with the same input/output names as
 * the real exports, written into the project and registered through the model manager like imported ones.
 */
export async function writeAndRegisterDemoModels(modelsDir: string, db: Db): Promise<Record<ModelRole, string>> {
  const paths: Record<ModelRole, string> = {
    clip: path.join(modelsDir, 'tiny-clip'),
    classifier: path.join(modelsDir, 'tiny-classifier.onnx'),
    inpainting: path.join(modelsDir, 'tiny-sd2-inpainting'),
    vlm: path.join(modelsDir, 'tiny-llava'),
  };
  writeTinyClip(paths.clip, { seed: 9, imageSize: 32 });
  writeTinyClassifier(paths.classifier, { seed: 22, numClasses: 10 });
  writeTinySdInpaint(paths.inpainting, { seed: 21, imageSize: DEMO_IMAGE_SIZE });
  writeTinyVlm(paths.vlm);
  for (const role of ['clip', 'classifier', 'inpainting', 'vlm'] as const) {
    const { record } = await importModel({ role, source: paths[role], provider: 'cpu' });
    insertModel(db, record);
  }
  return paths;
}
