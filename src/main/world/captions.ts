import { BACKGROUND_PHRASES, OBJECT_KINDS } from './catalogue';
import type { SceneTruth } from './scene';

/** Caption templates for images with an object; `{adj}` is "<colour> <texture>", `{object}` the shape. */
export const OBJECT_TEMPLATES = [
  'a photo of a {adj} {object} on {background}{with}',
  'a {adj} {object} on {background}{with}',
  'a picture of a {adj} {object} in front of {background}{with}',
] as const;

export const SCENE_TEMPLATES = ['a photo of {background}{with}', 'a picture of {background}{with}'] as const;

export const TEXTURE_TEMPLATES = ['a photo of a {texture} texture', 'a {texture} pattern'] as const;

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** " with a tree, a rock and a lamp", or "" for no elements. */
export function elementsPhrase(elements: readonly string[]): string {
  if (elements.length === 0) return '';
  const named = elements.map((e) => `${article(e)} ${e}`);
  const list = named.length === 1 ? named[0]! : `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
  return ` with ${list}`;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '').replace(/\ba ([aeiou])/g, 'an $1');
}

/** Every template filled in for this image (the first is its canonical caption). */
export function captionsFor(truth: SceneTruth): string[] {
  const withPart = elementsPhrase(truth.elements);
  if (truth.farTexture) return TEXTURE_TEMPLATES.map((t) => fill(t, { texture: truth.farTexture! }));
  const background = BACKGROUND_PHRASES[truth.background!];
  if (truth.kind === null) return SCENE_TEMPLATES.map((t) => fill(t, { background, with: withPart }));
  const kind = OBJECT_KINDS[truth.kind]!;
  return OBJECT_TEMPLATES.map((t) => fill(t, { adj: `${kind.colour} ${kind.texture}`, object: kind.shape, background, with: withPart }));
}
