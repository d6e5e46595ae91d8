import { Rng } from '../onnx/factory/prng';
import { BACKGROUNDS, COLOURS, ELEMENTS, FAR_TEXTURES, OBJECT_KINDS, type Background, type Element, type FarTexture } from './catalogue';
import { paintBackground, type BackgroundParams } from './backgrounds';
import { paintElement, type ElementPlacement } from './elements';
import { paintFarTexture, type FarTextureParams } from './far-textures';
import { hashUnit } from './hash-noise';
import { paintObject, type ObjectPlacement } from './object-painter';
import { createCanvas, toBytes, type Rgb } from './raster';

/** 64×64: big enough that ten silhouettes and four textures stay distinct, small enough to train on 2 cores. */
export const WORLD_IMAGE_SIZE = 64;

/** What is in an image: its ground truth. */
export interface SceneTruth {
  /** Index into OBJECT_KINDS; null for far-OOD images. */
  kind: number | null;
  /** null for far-OOD textures. */
  background: Background | null;
  elements: Element[];
  /** Set for far-OOD texture images. */
  farTexture: FarTexture | null;
}

/** Everything the renderer needs: the truth plus the drawn variation (placement, colours, lighting). */
export interface SceneSpec extends SceneTruth {
  seed: number;
  backgroundParams: BackgroundParams | null;
  elementPlacements: ElementPlacement[];
  object: ObjectPlacement | null;
  far: FarTextureParams | null;
  /** Global brightness factor. */
  lighting: number;
}

/** What to put in an image: an object kind on a scene, an empty scene, or a bare texture. */
export type SceneRequest = { kind: number } | { empty: 'scene' } | { empty: 'texture' };

/** Element slots as fractions of the side: corners and mid-edges, away from the object's centre. */
const SLOTS: readonly [number, number][] = [
  [0.14, 0.15],
  [0.86, 0.15],
  [0.14, 0.85],
  [0.86, 0.85],
  [0.09, 0.5],
  [0.91, 0.5],
];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng.uniform() * items.length)]!;
}

/** Draws `n` distinct indices below `of`. */
function distinct(rng: Rng, n: number, of: number): number[] {
  const pool = Array.from({ length: of }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(pool.splice(Math.floor(rng.uniform() * pool.length), 1)[0]!);
  return out;
}

function jitter(rng: Rng, base: Rgb, amount: number): Rgb {
  return [base[0] + (rng.uniform() * 2 - 1) * amount, base[1] + (rng.uniform() * 2 - 1) * amount, base[2] + (rng.uniform() * 2 - 1) * amount];
}

function randomColour(rng: Rng): Rgb {
  return [40 + 200 * rng.uniform(), 40 + 200 * rng.uniform(), 40 + 200 * rng.uniform()];
}

/** The seeded draw of one image's content; the same seed and request give the same spec on any machine. */
export function sampleScene(seed: number, request: SceneRequest, size = WORLD_IMAGE_SIZE): SceneSpec {
  const rng = new Rng(seed);
  const lighting = 0.86 + 0.26 * rng.uniform();
  if ('empty' in request && request.empty === 'texture') {
    const texture = pick(rng, FAR_TEXTURES);
    const far = { texture, seed: Math.floor(rng.uniform() * 2 ** 31), a: randomColour(rng), b: randomColour(rng), freq: 0.5 + rng.uniform() };
    return { seed, kind: null, background: null, elements: [], farTexture: texture, backgroundParams: null, elementPlacements: [], object: null, far, lighting };
  }
  const background = pick(rng, BACKGROUNDS);
  const backgroundParams = { seed: Math.floor(rng.uniform() * 2 ** 31), level: rng.uniform(), phase: rng.uniform() * 2 * Math.PI };
  // Scenes with an object have 0–3 elements; an empty scene has at least one, so it is still a scene.
  const count = 'kind' in request ? Math.floor(rng.uniform() * 4) : 1 + Math.floor(rng.uniform() * 3);
  const elementIdx = distinct(rng, count, ELEMENTS.length);
  const slotIdx = distinct(rng, count, SLOTS.length);
  const elementPlacements = elementIdx.map((e, i) => {
    const [fx, fy] = SLOTS[slotIdx[i]!]!;
    return { element: ELEMENTS[e]!, cx: fx * size + (rng.uniform() * 4 - 2), cy: fy * size + (rng.uniform() * 4 - 2), size: size * (0.2 + 0.07 * rng.uniform()) };
  });
  let object: ObjectPlacement | null = null;
  if ('kind' in request) {
    const kind = OBJECT_KINDS[request.kind];
    if (!kind) throw new Error(`object kind ${request.kind} does not exist (0..${OBJECT_KINDS.length - 1})`);
    object = {
      shape: kind.shape,
      texture: kind.texture,
      colour: jitter(rng, COLOURS[kind.colour], 18),
      cx: size / 2 + (rng.uniform() * 2 - 1) * size * 0.08,
      cy: size / 2 + (rng.uniform() * 2 - 1) * size * 0.08,
      radius: size * (0.22 + 0.08 * rng.uniform()),
      rotation: (rng.uniform() * 2 - 1) * 0.45,
    };
  }
  return {
    seed,
    kind: 'kind' in request ? request.kind : null,
    background,
    elements: elementPlacements.map((p) => p.element),
    farTexture: null,
    backgroundParams,
    elementPlacements,
    object,
    far: null,
    lighting,
  };
}

/** Paints a spec: background, elements, object, then lighting and a little sensor noise; RGB bytes, row-major. */
export function renderScene(spec: SceneSpec, size = WORLD_IMAGE_SIZE): Uint8Array {
  const c = createCanvas(size);
  if (spec.far) paintFarTexture(c, spec.far);
  else if (spec.background && spec.backgroundParams) paintBackground(c, spec.background, spec.backgroundParams);
  for (const e of spec.elementPlacements) paintElement(c, e);
  if (spec.object) paintObject(c, spec.object);
  for (let i = 0; i < c.data.length; i++) c.data[i] = c.data[i]! * spec.lighting + (hashUnit(spec.seed, i) - 0.5) * 8;
  return toBytes(c);
}
