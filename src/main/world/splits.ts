import { IND_KIND_INDICES, NEAR_OOD_KIND_INDICES, OBJECT_KINDS } from './catalogue';
import { captionsFor } from './captions';
import { hash32, hashString } from './hash-noise';
import { renderScene, sampleScene, type SceneRequest, type SceneTruth } from './scene';

/** The world's seed; every image seed derives from it, the split's name and the image's index. */
export const WORLD_SEED = 20260;

/**
 * The splits. Seeds are keyed by split name, so no two splits share an image. `ind-train` / `ind-test`: the 10
 * InD kinds, cycled so classes are balanced; `near-ood-test`: the 30 other kinds on the same backgrounds;
 * `far-ood-test`: half bare textures, half scenes with no object; `world-train`: all 40 kinds plus empty scenes
 * and textures (what a world-wide model such as the tiny CLIP learns from).
 */
export const SPLITS = {
  'ind-train': { count: 3000 },
  'ind-test': { count: 500 },
  'near-ood-test': { count: 500 },
  'far-ood-test': { count: 500 },
  'world-train': { count: 8000 },
} as const;
export type SplitName = keyof typeof SPLITS;
export const SPLIT_NAMES = Object.keys(SPLITS) as SplitName[];

/** What image `index` of a split shows. */
export function requestFor(split: SplitName, index: number): SceneRequest {
  switch (split) {
    case 'ind-train':
    case 'ind-test':
      return { kind: IND_KIND_INDICES[index % IND_KIND_INDICES.length]! };
    case 'near-ood-test':
      return { kind: NEAR_OOD_KIND_INDICES[index % NEAR_OOD_KIND_INDICES.length]! };
    case 'far-ood-test':
      return { empty: index % 2 === 0 ? 'texture' : 'scene' };
    case 'world-train': {
      // 40 kinds then an empty scene and a texture: 42 slots, objects 95% of the images.
      const slot = index % (OBJECT_KINDS.length + 2);
      if (slot < OBJECT_KINDS.length) return { kind: slot };
      return { empty: slot === OBJECT_KINDS.length ? 'scene' : 'texture' };
    }
  }
}

export function imageSeed(split: SplitName, index: number, worldSeed = WORLD_SEED): number {
  return hash32(worldSeed, hashString(split), index);
}

/** One image of the world with its ground truth. */
export interface WorldImage extends SceneTruth {
  id: string;
  split: SplitName;
  index: number;
  seed: number;
  /** For InD images: the class index (position in IND_KIND_INDICES); otherwise null. */
  indClass: number | null;
  captions: string[];
  /** RGB bytes, row-major, WORLD_IMAGE_SIZE². */
  pixels: Uint8Array;
}

export function worldImage(split: SplitName, index: number, worldSeed = WORLD_SEED): WorldImage {
  const seed = imageSeed(split, index, worldSeed);
  const spec = sampleScene(seed, requestFor(split, index));
  const truth: SceneTruth = { kind: spec.kind, background: spec.background, elements: spec.elements, farTexture: spec.farTexture };
  const indClass = truth.kind === null ? -1 : IND_KIND_INDICES.indexOf(truth.kind);
  return {
    id: `${split}-${String(index).padStart(5, '0')}`,
    split,
    index,
    seed,
    ...truth,
    indClass: indClass >= 0 ? indClass : null,
    captions: captionsFor(truth),
    pixels: renderScene(spec),
  };
}

/** Images `from`..`from + count − 1` of a split (default: the whole split). */
export function worldSplit(split: SplitName, opts: { count?: number; from?: number; worldSeed?: number } = {}): WorldImage[] {
  const from = opts.from ?? 0;
  const count = opts.count ?? SPLITS[split].count - from;
  return Array.from({ length: count }, (_, i) => worldImage(split, from + i, opts.worldSeed));
}
