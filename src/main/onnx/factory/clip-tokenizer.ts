/**
 * A small but complete CLIP tokenizer (byte-level BPE with CLIP's `</w>` end-of-word suffix, the same
 * normalizer, pre-tokenizer and post-processor as Hugging Face's converted CLIP tokenizer). Every byte
 * has a token, so any text encodes; a short word list gets merges so common prompt words are single tokens.
 * Vocabulary order follows CLIP's: 256 byte symbols, the same with `</w>`, merges, then the two specials,
 * so `<|endoftext|>` has the largest id and argmax(input_ids) finds it, as CLIP's EOS pooling assumes.
 */

export const DEFAULT_TOKENIZER_WORDS = [
  'a', 'an', 'the', 'of', 'photo', 'this', 'is', 'nice', 'only', 'remain', 'cat', 'dog', 'car', 'bird', 'tree',
  'house', 'panda', 'bamboo', 'tourist', 'leaf', 'railing', 'fish', 'flower', 'sky', 'water', 'red', 'blue', 'green',
];

export const BOS_TOKEN = '<|startoftext|>';
export const EOS_TOKEN = '<|endoftext|>';

export interface ClipTokenizerOptions {
  words?: string[];
  /** CLIP (OpenAI) pads with `<|endoftext|>`; Stable Diffusion 2's OpenCLIP tokenizer pads with `!` (id 0). */
  padToken?: string;
  modelMaxLength?: number;
}

/** GPT-2/CLIP's reversible byte → printable-unicode map, in CLIP's vocabulary order. */
function byteSymbols(): string[] {
  const printable: number[] = [];
  for (let c = 0x21; c <= 0x7e; c++) printable.push(c);
  for (let c = 0xa1; c <= 0xac; c++) printable.push(c);
  for (let c = 0xae; c <= 0xff; c++) printable.push(c);
  const symbols = printable.map((c) => String.fromCharCode(c));
  let extra = 0;
  for (let byte = 0; byte < 256; byte++) {
    if (!printable.includes(byte)) symbols.push(String.fromCharCode(256 + extra++));
  }
  return symbols;
}

/** The pieces byte-pair encoding makes of `symbols` with `merges` (by rank, lowest first), as the tokenizer will. */
function applyMerges(symbols: string[], ranks: Map<string, number>): string[] {
  const pieces = [...symbols];
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < pieces.length; i++) {
      const rank = ranks.get(`${pieces[i]} ${pieces[i + 1]}`);
      if (rank !== undefined && rank < bestRank) [best, bestRank] = [i, rank];
    }
    if (best < 0) return pieces;
    pieces.splice(best, 2, `${pieces[best]}${pieces[best + 1]}`);
  }
}

/**
 * Merges that assemble each word (ASCII lowercase only) into one token. Each word is first encoded with the merges
 * made so far (a higher-ranked merge of another word may split it differently than left to right), then its
 * remaining pieces are joined left to right by new, lower-ranked merges, which cannot change an earlier word: that
 * one is already a single token.
 */
function mergesFor(words: string[]): string[] {
  const merges: string[] = [];
  const ranks = new Map<string, number>();
  for (const word of words) {
    if (!/^[a-z]+$/.test(word) || word.length < 2) continue;
    const pieces = applyMerges([...word.slice(0, -1), `${word.at(-1)}</w>`], ranks);
    let left = pieces[0]!;
    for (const right of pieces.slice(1)) {
      const merge = `${left} ${right}`;
      if (!ranks.has(merge)) {
        ranks.set(merge, merges.length);
        merges.push(merge);
      }
      left += right;
    }
  }
  return merges;
}

export interface ClipTokenizerFiles {
  files: Record<string, unknown>;
  vocabSize: number;
  bosId: number;
  eosId: number;
  padId: number;
}

export function buildClipTokenizerFiles(opts: ClipTokenizerOptions = {}): ClipTokenizerFiles {
  const padToken = opts.padToken ?? EOS_TOKEN;
  const maxLength = opts.modelMaxLength ?? 77;
  const symbols = byteSymbols();
  const merges = mergesFor(opts.words ?? DEFAULT_TOKENIZER_WORDS);
  const tokens = [...symbols, ...symbols.map((s) => `${s}</w>`), ...merges.map((m) => m.replace(' ', ''))];
  const vocab: Record<string, number> = {};
  tokens.forEach((t, i) => (vocab[t] = i));
  const bosId = tokens.length;
  const eosId = tokens.length + 1;
  vocab[BOS_TOKEN] = bosId;
  vocab[EOS_TOKEN] = eosId;
  if (!(padToken in vocab)) throw new Error(`pad token ${padToken} is not in the vocabulary`);
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(bosId, BOS_TOKEN), special(eosId, EOS_TOKEN)],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: { Regex: "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: [EOS_TOKEN, eosId], cls: [BOS_TOKEN, bosId], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: EOS_TOKEN,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
  const tokenizerConfig = {
    tokenizer_class: 'CLIPTokenizer',
    model_max_length: maxLength,
    bos_token: BOS_TOKEN,
    eos_token: EOS_TOKEN,
    unk_token: EOS_TOKEN,
    pad_token: padToken,
    do_lower_case: true,
    add_prefix_space: false,
    clean_up_tokenization_spaces: false,
    errors: 'replace',
  };
  const specialTokensMap = { bos_token: BOS_TOKEN, eos_token: EOS_TOKEN, unk_token: EOS_TOKEN, pad_token: padToken };
  return {
    files: { 'tokenizer.json': tokenizer, 'tokenizer_config.json': tokenizerConfig, 'special_tokens_map.json': specialTokensMap },
    vocabSize: eosId + 1,
    bosId,
    eosId,
    padId: vocab[padToken]!,
  };
}
