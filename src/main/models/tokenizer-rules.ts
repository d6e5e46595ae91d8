import type { FileRule, LayoutContext } from './contract-types';
import { TOKENIZER_FIELDS } from './json-fields';

/**
 * A CLIP tokenizer folder ships in one of two layouts: the fast tokenizer.json (transformers.js, Optimum's newer
 * exports) or the slow/OpenAI vocab.json + merges.txt (Optimum's SD-2 export writes `tokenizer/` this way; the
 * pipelines build the same tokenizer from it, pipeline/features/clip-tokenizer-files.ts). The fast file is
 * required when it is there or when the pair is not; otherwise the pair.
 */
export function usesVocabMerges(ctx: LayoutContext, prefix: string): boolean {
  return !ctx.exists(`${prefix}tokenizer.json`) && ctx.exists(`${prefix}vocab.json`);
}

export function clipTokenizerRules(ctx: LayoutContext, prefix: string, hint?: string): FileRule[] {
  if (usesVocabMerges(ctx, prefix)) {
    return [
      { anyOf: [`${prefix}vocab.json`], what: 'the BPE vocabulary (token → id)', json: true },
      { anyOf: [`${prefix}merges.txt`], what: 'the BPE merges', hint: `${prefix}vocab.json and ${prefix}merges.txt come as a pair` },
    ];
  }
  return [{ anyOf: [`${prefix}tokenizer.json`], what: 'the fast tokenizer', json: true, hint, fields: TOKENIZER_FIELDS }];
}
