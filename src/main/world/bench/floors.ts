import { readFileSync } from 'node:fs';
import { loadModel } from '../../onnx';
import { resourcePath } from '../../onnx/resources';
import { zeroShotAccuracy } from '../clip/zero-shot';
import type { WorldImage } from '../splits';
import { CLASSIFIER_RECORD, CLIP_IMAGE_FILE, CLIP_TEXT_FILE } from '../train-world';
import { classifierMsp } from './image-measures';

/** The floors (values in %), each measured here on the bench's InD test images. */
export interface FloorFigures {
  /** The guidance classifier's InD test accuracy, measured; and the value its record states (500 images). */
  classifierAccuracy: number;
  classifierAccuracyRecorded: number;
  /** The world CLIP's zero-shot InD accuracy ("a photo of a {class}"), measured. */
  clipZeroShotAccuracy: number;
  /** The zero-shot NegLabel baseline's far-OOD AUROC, from the pipeline's own evaluation. */
  negLabelFarAuroc: number;
  indTestImages: number;
}

export const FLOORS = { classifierAccuracy: 90, clipZeroShotAccuracy: 80, negLabelFarAuroc: 90 } as const;

export async function measureFloors(o: { classifierFile: string; indTest: readonly WorldImage[]; baselineFarAuroc: number }): Promise<FloorFigures> {
  const { predicted } = await classifierMsp(
    o.classifierFile,
    o.indTest.map((i) => i.pixels),
  );
  const hits = o.indTest.filter((img, i) => img.indClass === predicted[i]).length;
  const record = JSON.parse(readFileSync(resourcePath('world', CLASSIFIER_RECORD), 'utf8')) as { indTestAccuracy?: unknown };
  const clip = await zeroShotAccuracy(loadModel(resourcePath('world', CLIP_IMAGE_FILE)), loadModel(resourcePath('world', CLIP_TEXT_FILE)), o.indTest);
  return {
    classifierAccuracy: (100 * hits) / Math.max(1, o.indTest.length),
    classifierAccuracyRecorded: typeof record.indTestAccuracy === 'number' ? 100 * record.indTestAccuracy : NaN,
    clipZeroShotAccuracy: 100 * clip,
    negLabelFarAuroc: o.baselineFarAuroc,
    indTestImages: o.indTest.length,
  };
}
