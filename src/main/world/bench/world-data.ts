import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { IND_CLASS_NAMES } from '../catalogue';
import { worldSplit, type SplitName, type WorldImage } from '../splits';
import { negativeVocabulary } from '../vocabulary';
import { manifestEntry, pngOf, type SplitManifest } from '../write-split';
import { WORLD_IMAGE_SIZE } from '../scene';
import { WORLD_SEED } from '../splits';

/** The distractor words that are adjectives (the vocabulary groups distractors of both parts of speech together). */
const ADJECTIVE_DISTRACTORS = new Set(['shiny', 'wooden', 'metallic', 'fuzzy', 'tiny', 'huge']);

export interface WorldBenchSizes {
  /** InD training images per class (the subset is selected from these). */
  trainPerClass: number;
  /** Images in each test set: ind-test, near-ood-test, far-ood-test. */
  testPerSet: number;
}

export interface WorldBenchData {
  indTrain: string;
  indTest: string;
  ood: { near: string; far: string };
  /** The world's negative-label vocabulary as a word list (one word a line, tab, noun or adj). */
  wordList: string;
  /** The InD test images themselves (for the floors measured outside the pipeline). */
  indTestImages: WorldImage[];
  /** The InD training images' ground truth (files are `<id>.png`): what the oracle describer reads. */
  indTrainManifest: SplitManifest;
}

/** Writes a split's first images as PNGs: by class (`<dir>/<class name>/<id>.png`, an imagefolder) or flat. */
async function writeImages(dir: string, images: readonly WorldImage[], byClass: boolean): Promise<void> {
  for (const img of images) {
    const folder = byClass ? path.join(dir, IND_CLASS_NAMES[img.indClass!]!) : dir;
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, `${img.id}.png`), await pngOf(img.pixels));
  }
}

const first = (split: SplitName, count: number) => worldSplit(split, { count });

/**
 * The world's splits as the folders the import route reads: ind-train and ind-test as imagefolders by class (the
 * splits cycle the 10 classes, so the first n·10 images hold n per class), near- and far-OOD flat.
 */
export async function writeWorldBenchData(dir: string, sizes: WorldBenchSizes): Promise<WorldBenchData> {
  const indTestImages = first('ind-test', sizes.testPerSet);
  const indTrainImages = first('ind-train', sizes.trainPerClass * IND_CLASS_NAMES.length);
  const data: WorldBenchData = {
    indTrain: path.join(dir, 'ind-train'),
    indTest: path.join(dir, 'ind-test'),
    ood: { near: path.join(dir, 'near-ood-test'), far: path.join(dir, 'far-ood-test') },
    wordList: path.join(dir, 'world-vocabulary.txt'),
    indTestImages,
    indTrainManifest: {
      world: 'synood-world-v1',
      split: 'ind-train',
      worldSeed: WORLD_SEED,
      imageSize: WORLD_IMAGE_SIZE,
      indClassNames: [...IND_CLASS_NAMES],
      images: indTrainImages.map(manifestEntry),
    },
  };
  await writeImages(data.indTrain, indTrainImages, true);
  await writeImages(data.indTest, indTestImages, true);
  await writeImages(data.ood.near, first('near-ood-test', sizes.testPerSet), false);
  await writeImages(data.ood.far, first('far-ood-test', sizes.testPerSet), false);
  // Nouns first: a fixed list keeps its order and every stage reads nouns before adjectives.
  const vocabulary = negativeVocabulary();
  const pos = (w: (typeof vocabulary)[number]) => (w.group === 'adjective' || (w.group === 'distractor' && ADJECTIVE_DISTRACTORS.has(w.word)) ? 'adj' : 'noun');
  const words = [...vocabulary.filter((w) => pos(w) === 'noun'), ...vocabulary.filter((w) => pos(w) === 'adj')].map((w) => `${w.word}\t${pos(w)}`);
  writeFileSync(data.wordList, words.join('\n') + '\n');
  return data;
}
