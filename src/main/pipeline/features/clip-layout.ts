import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where a CLIP folder keeps its towers: transformers.js' split files, or Optimum's single CLIPModel file. */
export type ClipTowerFiles = { layout: 'split'; vision: string; text: string } | { layout: 'single'; model: string };

/** The CLIP folder's tower files (split preferred when both are there); an error naming what is missing otherwise. */
export function clipTowerFiles(dir: string): ClipTowerFiles {
  const vision = join(dir, 'onnx', 'vision_model.onnx');
  const text = join(dir, 'onnx', 'text_model.onnx');
  if (existsSync(vision) && existsSync(text)) return { layout: 'split', vision, text };
  const model = join(dir, 'onnx', 'model.onnx');
  if (existsSync(model)) return { layout: 'single', model };
  const missing = [vision, text].filter((f) => !existsSync(f)).map((f) => f.slice(dir.length + 1));
  throw new Error(`clip model ${dir}: ${missing.join(' and ')} missing, and no onnx/model.onnx; a CLIP folder holds onnx/text_model.onnx + onnx/vision_model.onnx, or the single onnx/model.onnx`);
}
