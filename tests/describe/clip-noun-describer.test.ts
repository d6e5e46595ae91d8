import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipNounDescriber, WordNetNouns } from '../../src/main/pipeline/describe';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { tinyClipEncoder } from './tiny-clip-encoder';

// WordNet 3.1 facts used below, read off data.noun by hand: "giant panda" has one synset whose lemmas are
// giant_panda, panda, panda_bear, coon_bear, Ailuropoda_melanoleuca, and it has no hyponyms; "lesser panda"
// (the red panda) is a different synset and stays a valid context word.
const GIANT_PANDA_NAMES = ['giant panda', 'panda', 'panda bear', 'coon bear', 'ailuropoda melanoleuca'];

describe('ClipNounDescriber with a tiny CLIP', () => {
  let cleanup: () => void;
  let image: string;
  let encoder: Awaited<ReturnType<typeof tinyClipEncoder>>;
  const wordnet = WordNetNouns.load();

  beforeAll(async () => {
    const tmp = tmpDir('synood-describe-');
    cleanup = tmp.cleanup;
    image = join(tmp.dir, 'panda.png');
    await writeImage(image, 3, 48);
    encoder = await tinyClipEncoder(join(tmp.dir, 'clip'), 4);
  });

  afterAll(async () => {
    await encoder.release();
    cleanup();
  });

  it('WordNet exclusion: synonyms of the class and every hyponym below it', () => {
    expect([...wordnet.synonymsAndHyponyms('giant panda')].sort()).toEqual([...GIANT_PANDA_NAMES].sort());
    const dog = wordnet.synonymsAndHyponyms('dog');
    for (const below of ['puppy', 'poodle', 'dalmatian', 'corgi']) expect(dog.has(below)).toBe(true);
    for (const unrelated of ['cat', 'wolf', 'bamboo']) expect(dog.has(unrelated)).toBe(false);
    expect(wordnet.lemmas().length).toBeGreaterThan(100_000);
  });

  it('returns the top-k nouns by cosine similarity, never the class or its synonyms', async () => {
    const context = ['bamboo', 'tourist', 'leaf', 'railing', 'lesser panda', 'tree', 'water'];
    const vocabulary = [...GIANT_PANDA_NAMES, ...context];
    const describer = new ClipNounDescriber({ encoder, wordnet, vocabulary, topK: 3, template: 'a photo of a {}.' });
    const { elements, rawAnswer } = await describer.describe(image, 'giant panda');

    // Expected ranking computed here from the encoder's raw features.
    const img = await encoder.encodeImages([image]);
    const txt = await encoder.encodeTexts(context.map((w) => `a photo of a ${w}.`));
    const d = encoder.dim;
    const norm = (v: Float32Array, o: number) => Math.hypot(...v.subarray(o, o + d));
    const cos = context.map((_, r) => {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += img[j]! * txt[r * d + j]!;
      return dot / (norm(img, 0) * norm(txt, r * d));
    });
    const expected = context.map((w, i) => ({ w, s: cos[i]! })).sort((a, b) => b.s - a.s).slice(0, 3).map((x) => x.w);
    expect(elements).toEqual(expected);
    expect(rawAnswer).toBe(expected.join(', '));
  });

  it('an ImageNet-style class list excludes every listed name', async () => {
    const describer = new ClipNounDescriber({ encoder, wordnet, vocabulary: ['tench', 'tinca tinca', 'water', 'net'], topK: 4 });
    const { elements } = await describer.describe(image, 'tench, Tinca tinca');
    expect(elements.sort()).toEqual(['net', 'water']);
  });
});
