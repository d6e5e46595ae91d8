import { AutoTokenizer, CLIPTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * CLIP tokenizer folders come in two layouts: the "fast" one (tokenizer.json + tokenizer_config.json), which
 * transformers.js reads, and the slow/OpenAI one (vocab.json + merges.txt, with special_tokens_map.json and
 * tokenizer_config.json when saved by Hugging Face), which it cannot. For the second, the tokenizer.json
 * structure is built in memory exactly as Hugging Face's CLIPConverter (convert_slow_tokenizer.py) builds it:
 * byte-level BPE with the `</w>` end-of-word suffix, NFC + whitespace-collapse + lowercase normalizer, CLIP's
 * split regex, and a RobertaProcessing post-processor adding <|startoftext|> ... <|endoftext|>.
 */

export const CLIP_BOS = '<|startoftext|>';
export const CLIP_EOS = '<|endoftext|>';

/** CLIP's split pattern (the slow tokenizer's `pat`, without the special tokens it matches first). */
const CLIP_SPLIT = "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+";
/** 256 byte symbols and the same with `</w>`: the vocabulary entries that are no merge's product. */
const BYTE_SYMBOLS = 512;

export type TokenizerLayout = 'tokenizer.json' | 'vocab.json+merges.txt';

export interface TokenizerFolderFiles {
  layout: TokenizerLayout;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
}

type SpecialKey = 'bos_token' | 'eos_token' | 'unk_token' | 'pad_token';
const SPECIAL_KEYS: SpecialKey[] = ['bos_token', 'eos_token', 'unk_token', 'pad_token'];
const CLIP_DEFAULTS: Record<SpecialKey, string> = { bos_token: CLIP_BOS, eos_token: CLIP_EOS, unk_token: CLIP_EOS, pad_token: CLIP_EOS };

function readJson(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A token as tokenizer_config.json / special_tokens_map.json write it: a string or an AddedToken object. */
function tokenContent(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return undefined;
}

/** merges.txt lines: the `#version` header and blank lines dropped, CRLF tolerated. */
export function parseMerges(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.startsWith('#version')) lines.shift();
  return lines.filter((l) => l.trim().length > 0);
}

export interface ClipSpecialTokens {
  bos: string;
  eos: string;
  unk: string;
  pad: string;
}

interface AddedTokenSpec {
  id: number;
  content: string;
  single_word: boolean;
  lstrip: boolean;
  rstrip: boolean;
  normalized: boolean;
  special: boolean;
}

/**
 * The tokenizer.json object Hugging Face's CLIPConverter writes for this vocabulary and merge list. Like the
 * slow CLIPTokenizer (which keeps merges[1 : 49152 - 256 - 2 + 1] of OpenAI's 262k-line file), only as many
 * merges are used as the vocabulary has merge products: vocabulary size − 512 byte symbols − special tokens.
 */
export function clipTokenizerJson(
  vocab: Record<string, number>,
  merges: string[],
  specials: ClipSpecialTokens,
  addedTokens?: AddedTokenSpec[],
): Record<string, unknown> {
  for (const key of ['bos', 'eos', 'unk'] as const) {
    if (!(specials[key] in vocab)) throw new Error(`the ${key} token ${specials[key]} is not in vocab.json`);
  }
  const special = new Set([specials.bos, specials.eos, specials.unk, specials.pad]);
  const size = Object.keys(vocab).length;
  const productIds = size - BYTE_SYMBOLS - [...special].filter((t) => t in vocab && vocab[t]! >= BYTE_SYMBOLS).length;
  const used = merges.slice(0, Math.max(0, productIds));
  const added =
    addedTokens ??
    [...special]
      // A pad token that is an ordinary vocabulary entry (SD 2's "!") is not an added token.
      .filter((t) => t in vocab && vocab[t]! >= BYTE_SYMBOLS + used.length)
      .map((content) => ({ id: vocab[content]!, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }))
      .sort((a, b) => a.id - b.id);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: CLIP_SPLIT }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [specials.eos, vocab[specials.eos]],
      cls: [specials.bos, vocab[specials.bos]],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: specials.unk,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: used,
    },
  };
}

/** added_tokens_decoder of a tokenizer_config.json ({"49406": {content, special, ...}}), as added_tokens. */
function addedTokensFromConfig(config: Record<string, unknown>): AddedTokenSpec[] | undefined {
  const decoder = config.added_tokens_decoder;
  if (!decoder || typeof decoder !== 'object') return undefined;
  return Object.entries(decoder as Record<string, Record<string, unknown>>)
    .map(([id, t]) => ({
      id: Number(id),
      content: String(t.content),
      single_word: Boolean(t.single_word),
      lstrip: Boolean(t.lstrip),
      rstrip: Boolean(t.rstrip),
      normalized: t.normalized === undefined ? true : Boolean(t.normalized),
      special: t.special === undefined ? true : Boolean(t.special),
    }))
    .sort((a, b) => a.id - b.id);
}

/**
 * The tokenizer.json and tokenizer_config.json objects of a CLIP tokenizer folder in either layout. Special
 * tokens come from tokenizer_config.json, then special_tokens_map.json, then CLIP's defaults; the maximum
 * length defaults to CLIP's 77.
 */
export function readClipTokenizerFolder(dir: string): TokenizerFolderFiles {
  const path = (f: string) => join(dir, f);
  const config = existsSync(path('tokenizer_config.json')) ? readJson(path('tokenizer_config.json')) : {};
  if (existsSync(path('tokenizer.json'))) return { layout: 'tokenizer.json', tokenizerJson: readJson(path('tokenizer.json')), tokenizerConfig: config };
  const missing = ['vocab.json', 'merges.txt'].filter((f) => !existsSync(path(f)));
  if (missing.length > 0) {
    throw new Error(`${dir}: no tokenizer.json, and no ${missing.join(' or ')} to build it from (a CLIP tokenizer folder has tokenizer.json, or vocab.json + merges.txt)`);
  }
  const map = existsSync(path('special_tokens_map.json')) ? readJson(path('special_tokens_map.json')) : {};
  const tokens = {} as Record<SpecialKey, string>;
  for (const key of SPECIAL_KEYS) tokens[key] = tokenContent(config[key]) ?? tokenContent(map[key]) ?? CLIP_DEFAULTS[key];
  const vocab = readJson(path('vocab.json')) as Record<string, number>;
  if (Object.values(vocab).some((v) => !Number.isInteger(v))) throw new Error(`${path('vocab.json')}: ids must be integers`);
  const merges = parseMerges(readFileSync(path('merges.txt'), 'utf8'));
  const tokenizerJson = clipTokenizerJson(
    vocab,
    merges,
    { bos: tokens.bos_token, eos: tokens.eos_token, unk: tokens.unk_token, pad: tokens.pad_token },
    addedTokensFromConfig(config),
  );
  const tokenizerConfig: Record<string, unknown> = {
    tokenizer_class: 'CLIPTokenizer',
    model_max_length: 77,
    do_lower_case: true,
    clean_up_tokenization_spaces: false,
    ...config,
    ...tokens,
  };
  delete tokenizerConfig.added_tokens_decoder;
  return { layout: 'vocab.json+merges.txt', tokenizerJson, tokenizerConfig };
}

/**
 * A transformers.js tokenizer for a local CLIP tokenizer folder in either layout, never touching the hub:
 * tokenizer.json through AutoTokenizer, vocab.json + merges.txt through the structure built above.
 */
export async function loadClipTokenizer(dir: string): Promise<PreTrainedTokenizer> {
  const files = readClipTokenizerFolder(dir);
  if (files.layout === 'tokenizer.json') {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    return AutoTokenizer.from_pretrained(resolve(dir), { local_files_only: true });
  }
  return new CLIPTokenizer(files.tokenizerJson, files.tokenizerConfig);
}
