import path from 'node:path';
import type { MineLabelsParams } from '../../shared/api/routes/mine-labels';
import type { Db } from '../store/db';
import { describeWorldModels, writeWorldModels } from '../world/bench/world-models';
import { writeWorldBenchData } from '../world/bench/world-data';
import { describeWorldImages, type RouteCall } from '../world/describers';

/** One import of the demo: progress label, dataset name, kind, folder, layout. */
export type DemoImport = [string, string, 'ind-train' | 'ind-test' | 'ood-test', string, 'imagefolder' | 'flat'];

/** What the demo runs on: its models (in words), its imports, how it mines negative labels, its subset size. */
export interface DemoInputs {
  models: string;
  imports: DemoImport[];
  mining: Partial<MineLabelsParams>;
  subsetPerClass: number;
  /** Queues the describe job for the selected images (absent: the describe route's default describer). */
  describe?: (call: RouteCall, imageIds: number[]) => Promise<number>;
  /** The describer in words, for the progress line. */
  describer: string;
}

export const WORLD_DEMO_NOTE =
  "The demo runs on the project's miniature world (docs/WORLD.md): procedural 64×64 scenes, 10 InD object kinds, near-OOD (the other 30 kinds) and far-OOD (no object) test sets, and the models the project trained on that world (guidance classifier, tiny CLIP, tiny SD-2-layout inpainting model), so its numbers measure the method in that world; they are not ImageNet numbers. Import real CLIP / SD-2-inpainting / ResNet-50 / LLaVA exports for real results.";

/** Sizes that keep the world demo well under 3 minutes on 2 cores: 40 guided images, 100 images per test set. */
const WORLD_DEMO_SIZES = { trainPerClass: 8, testPerSet: 100, subsetPerClass: 4 };

/** The world's splits as folders and its models registered in the project (writeWorldModels: one place for both). */
export async function writeWorldDemoInputs(dataDir: string, modelsDir: string, db: Db): Promise<DemoInputs> {
  const data = await writeWorldBenchData(dataDir, WORLD_DEMO_SIZES);
  const models = await writeWorldModels(modelsDir, db);
  return {
    models: describeWorldModels(models),
    imports: [
      ['import ind-train', 'ind-train', 'ind-train', data.indTrain, 'imagefolder'],
      ['import ind-test', 'ind-test', 'ind-test', data.indTest, 'imagefolder'],
      ['import near-ood', 'near-ood', 'ood-test', data.ood.near, 'flat'],
      ['import far-ood', 'far-ood', 'ood-test', data.ood.far, 'flat'],
    ],
    // NegLabel's negatives: the world's own vocabulary (object, element, background, adjective words), all of it.
    mining: { pool: { type: 'file', path: path.resolve(data.wordList), mode: 'fixed' } },
    subsetPerClass: WORLD_DEMO_SIZES.subsetPerClass,
    // No VLM is trained on the world: the CLIP-noun describer on the world CLIP names each image's context.
    describe: (call, imageIds) => describeWorldImages(call, { describer: 'clip-noun', imageIds }),
    describer: 'CLIP nouns',
  };
}
