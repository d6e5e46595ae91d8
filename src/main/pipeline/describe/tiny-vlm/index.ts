export { writeTinyVlm, type TinyVlmOptions } from './write-tiny-vlm';
export { TINY_VLM_SPECIALS, TINY_VLM_WORDS, wordTokenizerFiles } from './word-tokenizer';
export { TINY_VLM_DTYPES, tinyVlmVariant, type TinyVlmDtype } from './variants';
