import { basename, dirname } from 'node:path';
import { buildTinyClassifier, ClassifierOptions } from './classifier';
import { writeFolderFile } from './files';

/** Writes the classifier to `target` when it ends in .onnx, else to `<target>/model.onnx`; returns the file path. */
export function writeTinyClassifier(target: string, opts: ClassifierOptions = {}): string {
  const model = buildTinyClassifier(opts);
  return target.endsWith('.onnx') ? writeFolderFile(dirname(target), basename(target), model, 'onnx') : writeFolderFile(target, 'model.onnx', model, 'onnx');
}
