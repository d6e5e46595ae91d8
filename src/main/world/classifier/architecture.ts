import type { ModelProto } from '../../onnx';
import { buildTinyClassifier, type ClassifierOptions } from '../../onnx/factory/classifier';
import { IND_CLASS_NAMES } from '../catalogue';
import { WORLD_IMAGE_SIZE } from '../scene';

/**
 * The guidance classifier's shape: the factory's ResNet (7×7/2 stem, 3×3/2 max-pool, one BasicBlock per stage at
 * 16, 32, 64 channels, global average pool, linear head) at the world's 64×64 input, ≈80k parameters. BatchNorm is
 * folded away (biases on every conv), so the trainable graph is plain Conv/Relu/Add that the engine's vjp covers and
 * the exported model is the one trained, with no train/eval mode difference.
 */
export const WORLD_CLASSIFIER_SHAPE: ClassifierOptions = {
  inputName: 'input',
  imageSize: WORLD_IMAGE_SIZE,
  batch: 'batch_size',
  stemWidth: 16,
  stageWidths: [16, 32, 64],
  blocksPerStage: [1, 1, 1],
  block: 'basic',
  numClasses: IND_CLASS_NAMES.length,
  batchNorm: false,
};

/** torchvision's ImageNet normalisation, the guidance graph's default preprocessing, used for training too. */
export const WORLD_CLASSIFIER_MEAN = [0.485, 0.456, 0.406];
export const WORLD_CLASSIFIER_STD = [0.229, 0.224, 0.225];

/** The untrained network, its weights drawn from `seed` (the factory's seeded Kaiming init). */
export function buildWorldClassifier(seed: number): ModelProto {
  return buildTinyClassifier({ ...WORLD_CLASSIFIER_SHAPE, seed });
}
