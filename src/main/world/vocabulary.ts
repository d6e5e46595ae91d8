import { BACKGROUNDS, COLOUR_NAMES, ELEMENTS, FAR_TEXTURES, SHAPES, TEXTURES } from './catalogue';

/**
 * Words of the world that are not InD class names, for NegLabel's candidate pool: object (shape) nouns, element
 * nouns, background nouns and adjectives (colours, textures), plus far-texture nouns and some everyday nouns and
 * adjectives the world never draws, as a real lexicon would hold. InD class names ("red plain circle") are phrases, so no
 * single word here equals one.
 */
export const DISTRACTOR_WORDS = ['car', 'dog', 'cat', 'chair', 'bottle', 'boat', 'bird', 'mountain', 'bridge', 'shoe', 'shiny', 'wooden', 'metallic', 'fuzzy', 'tiny', 'huge'] as const;

export interface VocabularyWord {
  word: string;
  group: 'object' | 'element' | 'background' | 'adjective' | 'texture' | 'distractor';
}

export function negativeVocabulary(): VocabularyWord[] {
  return [
    ...SHAPES.map((word) => ({ word, group: 'object' as const })),
    ...ELEMENTS.map((word) => ({ word, group: 'element' as const })),
    ...BACKGROUNDS.map((word) => ({ word, group: 'background' as const })),
    ...[...COLOUR_NAMES, ...TEXTURES].map((word) => ({ word, group: 'adjective' as const })),
    ...FAR_TEXTURES.map((word) => ({ word, group: 'texture' as const })),
    ...DISTRACTOR_WORDS.map((word) => ({ word, group: 'distractor' as const })),
  ];
}
