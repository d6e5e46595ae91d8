import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chooseVariant, presentVariants, variantFile, type OnnxDtype } from '../../models/dtype-variants';

/**
 * Where a CLIP folder keeps its towers: transformers.js' split files, or Optimum's single CLIPModel file, each in the
 * precision a run loads (transformers.js' variant names, models/dtype-variants.ts): the path is that variant's file
 * and `dtype` says which it is, so what is hashed for the feature caches is what runs.
 */
export type ClipTowerFiles =
  | { layout: 'split'; vision: string; text: string; visionDtype: OnnxDtype; textDtype: OnnxDtype }
  | { layout: 'single'; model: string; dtype: OnnxDtype };

const VISION = 'onnx/vision_model.onnx';
const TEXT = 'onnx/text_model.onnx';
const SINGLE = 'onnx/model.onnx';

/**
 * The CLIP folder's tower files (split preferred when both towers are there in some precision). Each tower is the
 * variant `dtype` names when given (an error naming the file when it is not there), else the CPU's preferred one
 * present (fp32, then fp16, then the quantized ones: CPU_DTYPE_PREFERENCE). An error naming what is missing otherwise.
 */
export function clipTowerFiles(dir: string, dtype?: OnnxDtype): ClipTowerFiles {
  const exists = (rel: string) => existsSync(join(dir, rel));
  const has = (base: string) => presentVariants(base, exists).length > 0;
  if (has(VISION) && has(TEXT)) {
    const vision = chooseVariant(dir, VISION, dtype);
    const text = chooseVariant(dir, TEXT, dtype);
    return { layout: 'split', vision: vision.file, text: text.file, visionDtype: vision.dtype, textDtype: text.dtype };
  }
  if (has(SINGLE)) {
    const model = chooseVariant(dir, SINGLE, dtype);
    return { layout: 'single', model: model.file, dtype: model.dtype };
  }
  const missing = [VISION, TEXT].filter((f) => !has(f));
  throw new Error(
    `clip model ${dir}: ${missing.join(' and ')} missing (in every precision: ${variantFile(missing[0]!, 'fp16').split('/').pop()}, ` +
      `${variantFile(missing[0]!, 'q8').split('/').pop()}, …), and no ${SINGLE}; a CLIP folder holds ${TEXT} + ${VISION}, or the single ${SINGLE}`,
  );
}
