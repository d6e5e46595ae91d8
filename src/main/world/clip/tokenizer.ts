import { OBJECT_TEMPLATES, SCENE_TEMPLATES, TEXTURE_TEMPLATES } from '../captions';
import { BACKGROUND_PHRASES, BACKGROUNDS, COLOUR_NAMES, ELEMENTS, FAR_TEXTURES, SHAPES, TEXTURES } from '../catalogue';
import { negativeVocabulary } from '../vocabulary';

/**
 * A word-level tokenizer for the tiny CLIP: the world's captions use a closed vocabulary, so BPE would add nothing.
 * Function words are dropped (the text tower pools a bag of words, where "a" and "of" only dilute the mean).
 * Ids: 0 = padding, 1 = unknown word.
 */
export const MAX_TOKENS = 16;
const STOP_WORDS = new Set(['a', 'an', 'the', 'of', 'on', 'in', 'with', 'and', 'front', 'photo', 'picture', 'texture', 'pattern']);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z ]/g, ' ')
    .split(/\s+/)
    .filter((w) => w && !STOP_WORDS.has(w));
}

function buildVocabulary(): string[] {
  const all = new Set<string>();
  const add = (t: string) => words(t).forEach((w) => all.add(w));
  [...OBJECT_TEMPLATES, ...SCENE_TEMPLATES, ...TEXTURE_TEMPLATES].forEach((t) => add(t.replace(/\{\w+\}/g, ' ')));
  [...SHAPES, ...COLOUR_NAMES, ...TEXTURES, ...BACKGROUNDS, ...Object.values(BACKGROUND_PHRASES), ...ELEMENTS, ...FAR_TEXTURES].forEach(add);
  negativeVocabulary().forEach((w) => add(w.word));
  return ['<pad>', '<unk>', ...[...all].sort()];
}

/** Every word the world writes, sorted after the two special ids: the text tower's embedding rows. */
export const VOCABULARY: readonly string[] = buildVocabulary();
const IDS = new Map(VOCABULARY.map((w, i) => [w, i]));

export interface Tokens {
  /** [n, MAX_TOKENS] int64 ids, 0-padded. */
  ids: BigInt64Array;
  /** [n, MAX_TOKENS, 1] 1 where a token is, 0 at padding (a text with no known word keeps one `<unk>`). */
  mask: Float32Array;
}

export function tokenize(texts: readonly string[]): Tokens {
  const ids = new BigInt64Array(texts.length * MAX_TOKENS);
  const mask = new Float32Array(texts.length * MAX_TOKENS);
  texts.forEach((t, r) => {
    const ws = words(t).slice(0, MAX_TOKENS);
    if (ws.length === 0) ws.push('<unk>');
    ws.forEach((w, j) => {
      ids[r * MAX_TOKENS + j] = BigInt(IDS.get(w) ?? 1);
      mask[r * MAX_TOKENS + j] = 1;
    });
  });
  return { ids, mask };
}
