export * from './catalogue';
export { captionsFor, elementsPhrase } from './captions';
export { renderScene, sampleScene, WORLD_IMAGE_SIZE, type SceneRequest, type SceneSpec, type SceneTruth } from './scene';
export { imageSeed, requestFor, SPLIT_NAMES, SPLITS, WORLD_SEED, worldImage, worldSplit, type SplitName, type WorldImage } from './splits';
export { negativeVocabulary, type VocabularyWord } from './vocabulary';
export { contactSheet, pngOf, readSplitManifest, writeSplit, type SplitManifest } from './write-split';
