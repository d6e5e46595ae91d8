/** What `synood world` loads on use (one require, so the CLI's start-up stays free of onnxruntime and sharp). */
export { trainWorld, WORLD_MODELS } from './train-world';
export { SPLIT_NAMES } from './splits';
export { contactSheet, writeSplit } from './write-split';
export { runWorldBench, writeBenchOutputs } from './bench/run-bench';
export { WORLD_DESCRIBERS } from './bench/world-models';
