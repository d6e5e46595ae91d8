import { buildClipTokenizerFiles, type ClipTokenizerFiles } from '../../onnx/factory/clip-tokenizer';
import { VOCABULARY } from './tokenizer';

/**
 * The bridge between the pipeline's CLIP BPE tokenizers and the tiny CLIP's word-level vocabulary.
 *
 * The pipeline loads text encoders the way real exports ship them (a CLIP byte-level BPE tokenizer, 77 tokens).
 * The world's text tower reads whole words. A BPE tokenizer whose merges assemble every world word into one token
 * (`<word></w>`) lets both meet: a constant lookup table maps each BPE id to the world word id (0 = not a content
 * word: specials, padding, bytes, function words), so an exported text encoder can Gather through it.
 */
/**
 * The function words the tower drops, plus the prompt words of the pipeline ("A photo only remain …", "this is a
 * nice …"): single tokens that map to 0, which keeps such prompts short and lets them carry no content.
 */
export const BRIDGE_FUNCTION_WORDS = ['a', 'an', 'the', 'of', 'on', 'in', 'with', 'and', 'front', 'photo', 'picture', 'texture', 'pattern', 'only', 'remain', 'nice', 'this', 'is'] as const;

export function worldTokenizerFiles(padToken?: string): ClipTokenizerFiles {
  // VOCABULARY[0..1] are the tower's <pad>/<unk>.
  const words = [...VOCABULARY.slice(2), ...BRIDGE_FUNCTION_WORDS];
  return buildClipTokenizerFiles({ words, ...(padToken ? { padToken } : {}) });
}

/** For each BPE id of `vocab` (tokenizer.json's model.vocab), the world word id it spells, or 0. */
export function bpeToWorldIds(vocab: Readonly<Record<string, number>>): Int32Array {
  const size = Math.max(...Object.values(vocab)) + 1;
  const table = new Int32Array(size);
  VOCABULARY.forEach((word, id) => {
    if (id < 2) return;
    const bpe = vocab[`${word}</w>`];
    if (bpe !== undefined) table[bpe] = id;
  });
  return table;
}
