import path from 'node:path';
import { writeTinyClassifier, writeTinyClip, writeTinySdInpaint } from '../../src/main/onnx/factory';
import { registerModel } from './stage-project';

/** Where the tiny models of the generate tests live: 64×64 SD-2-inpainting parts, a 10-class ResNet, a CLIP. */
export interface TinyGenerationModels {
  sd: string;
  classifier: string;
  clip: string;
}

export const TINY_SIZE = 64;

export function writeTinyGenerationModels(dir: string): TinyGenerationModels {
  const sd = path.join(dir, 'sd-inpaint');
  writeTinySdInpaint(sd, { seed: 21, imageSize: TINY_SIZE });
  const classifier = writeTinyClassifier(path.join(dir, 'classifier.onnx'), { seed: 22, numClasses: 10 });
  const clip = path.join(dir, 'clip');
  writeTinyClip(clip, { seed: 9 });
  return { sd, classifier, clip };
}

export async function registerGenerationModels(projectDir: string, m: TinyGenerationModels): Promise<void> {
  await registerModel(projectDir, 'inpainting', m.sd);
  await registerModel(projectDir, 'classifier', m.classifier);
  await registerModel(projectDir, 'clip', m.clip);
}
