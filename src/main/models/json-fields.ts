import type { FileRule } from './contract-types';

/** transformers.js builds the tokenizer from tokenizer.json's `model` (vocabulary, merges): without it there is none. */
export const TOKENIZER_FIELDS: FileRule['fields'] = [{ name: 'model', type: 'object', what: 'the tokenizer model (its vocabulary and merges)' }];
