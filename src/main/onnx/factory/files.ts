import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { saveModel, type ModelProto } from '../index';

/** Writes `<root>/<relPath>`, creating folders; JSON is pretty-printed in insertion order, so output is deterministic. */
export function writeFolderFile(root: string, relPath: string, content: ModelProto | Record<string, unknown>, kind: 'onnx' | 'json'): string {
  const path = join(root, relPath);
  mkdirSync(dirname(path), { recursive: true });
  if (kind === 'onnx') writeFileSync(path, saveModel(content as ModelProto));
  else writeFileSync(path, `${JSON.stringify(content, null, 2)}\n`);
  return path;
}

export function writeJsonFiles(root: string, files: Record<string, unknown>, subdir = ''): void {
  for (const [name, content] of Object.entries(files)) writeFolderFile(root, join(subdir, name), content as Record<string, unknown>, 'json');
}
