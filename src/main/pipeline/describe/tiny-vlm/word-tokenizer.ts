/** Special tokens of the tiny VLM's vocabulary, in id order. */
export const TINY_VLM_SPECIALS = ['<unk>', '<pad>', '<s>', '</s>', '<image>'] as const;

/** Everyday and scene words, so that random generations read as word lists. */
export const TINY_VLM_WORDS = [
  'user', 'assistant', 'apart', 'from', 'the', 'what', 'other', 'objects', 'background', 'elements', 'and', 'scenery',
  'are', 'in', 'this', 'image', 'answer', 'with', 'a', 'short', 'comma', 'separated', 'list', 'of', 'nouns', 'only',
  ',', '.', ':', '?', '-', 'bamboo', 'tourist', 'leaf', 'railing', 'grass', 'sky', 'tree', 'water', 'fence', 'road',
  'cloud', 'rock', 'sand', 'building', 'window', 'table', 'chair', 'flower', 'bush', 'river', 'mountain', 'snow', 'wall',
];

/**
 * A word-level tokenizer in the Hugging Face `tokenizer.json` format: lower-casing, whitespace/punctuation
 * splitting, one id per known word, `<unk>` otherwise. `<image>` is an added special token, so the LLaVA
 * processor's expanded image tokens survive tokenisation as single ids.
 */
export function wordTokenizerFiles(words: readonly string[] = TINY_VLM_WORDS): { files: Record<string, unknown>; vocabSize: number; ids: Record<string, number> } {
  const vocab: Record<string, number> = {};
  for (const t of [...TINY_VLM_SPECIALS, ...words]) if (!(t in vocab)) vocab[t] = Object.keys(vocab).length;
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: TINY_VLM_SPECIALS.map((content) => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: { type: 'WordLevel', vocab, unk_token: '<unk>' },
  };
  const config = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    bos_token: '<s>',
    eos_token: '</s>',
    unk_token: '<unk>',
    pad_token: '<pad>',
    model_max_length: 512,
    add_bos_token: false,
    add_eos_token: false,
  };
  return { files: { 'tokenizer.json': tokenizer, 'tokenizer_config.json': config }, vocabSize: Object.keys(vocab).length, ids: vocab };
}
