/** What `synood world` loads on use (one require, so the CLI's start-up stays free of onnxruntime and sharp). */
export { trainWorld, WORLD_MODELS } from './train-world';
export { SPLIT_NAMES } from './splits';
export { contactSheet, writeSplit } from './write-split';
export { runWorldBench, writeBenchOutputs } from './bench/run-bench';
export { WORLD_DESCRIBERS } from './bench/world-models';
export { readSplitManifest } from './write-split';
export { committedWorldClipFiles, writeWorldClipFolder } from './clip/pipeline-folder';
export { describeWorldImages, ORACLE_SOURCE, WORLD_DESCRIBER_NOUNS } from './describers';
