/**
 * The world's vocabulary: object shapes, surface textures and colour families (an object kind is one of each),
 * backgrounds and context elements. Every word here is also a candidate negative label (vocabulary.ts).
 */

export const SHAPES = ['circle', 'square', 'triangle', 'star', 'cross', 'ring', 'diamond', 'hexagon', 'crescent', 'heart'] as const;
export type Shape = (typeof SHAPES)[number];

export const TEXTURES = ['plain', 'striped', 'dotted', 'checkered'] as const;
export type Texture = (typeof TEXTURES)[number];

/** Colour families: a base RGB each image jitters around, so a family is a range, not one value. */
export const COLOURS = {
  red: [214, 40, 40],
  orange: [245, 130, 20],
  yellow: [245, 215, 40],
  green: [40, 170, 60],
  blue: [40, 90, 220],
  purple: [140, 50, 180],
  pink: [245, 120, 190],
  white: [240, 240, 240],
} as const satisfies Record<string, readonly [number, number, number]>;
export type Colour = keyof typeof COLOURS;
export const COLOUR_NAMES = Object.keys(COLOURS) as Colour[];

export const BACKGROUNDS = ['sky', 'grass', 'water', 'room', 'road', 'sand', 'snow', 'night', 'brick wall'] as const;
export type Background = (typeof BACKGROUNDS)[number];

/** How a caption names a background after "on" / "in front of". */
export const BACKGROUND_PHRASES: Record<Background, string> = {
  sky: 'the sky',
  grass: 'grass',
  water: 'water',
  room: 'a room',
  road: 'a road',
  sand: 'sand',
  snow: 'snow',
  night: 'a night sky',
  'brick wall': 'a brick wall',
};

export const ELEMENTS = ['tree', 'cloud', 'rock', 'lamp', 'flower', 'house', 'sun', 'fence'] as const;
export type Element = (typeof ELEMENTS)[number];

export interface ObjectKind {
  /** 0-based index into OBJECT_KINDS. */
  index: number;
  shape: Shape;
  colour: Colour;
  texture: Texture;
  /** "red striped star": the class name captions and zero-shot prompts use. */
  name: string;
}

/** Variants per shape: 10 shapes × 4 = 40 kinds. */
export const VARIANTS_PER_SHAPE = 4;

/**
 * The 40 kinds. Variant v of shape s takes colour (3s + 2v) mod 8 and texture (s + v) mod 4, so the four kinds of
 * one shape differ in both colour and texture, and every colour and texture appears across the shapes.
 */
export const OBJECT_KINDS: readonly ObjectKind[] = SHAPES.flatMap((shape, s) =>
  Array.from({ length: VARIANTS_PER_SHAPE }, (_, v) => {
    const colour = COLOUR_NAMES[(3 * s + 2 * v) % COLOUR_NAMES.length]!;
    const texture = TEXTURES[(s + v) % TEXTURES.length]!;
    return { index: s * VARIANTS_PER_SHAPE + v, shape, colour, texture, name: `${colour} ${texture} ${shape}` };
  }),
);

/**
 * The in-distribution classes: variant 0 of every shape (10 kinds, one per shape). The near-OOD kinds are the
 * other 30: the same shapes in other colours and textures, which is what makes them near.
 */
export const IND_KIND_INDICES: readonly number[] = SHAPES.map((_, s) => s * VARIANTS_PER_SHAPE);
export const NEAR_OOD_KIND_INDICES: readonly number[] = OBJECT_KINDS.map((k) => k.index).filter((i) => !IND_KIND_INDICES.includes(i));

/** InD class names in class-index order (the classifier's logit order). */
export const IND_CLASS_NAMES: readonly string[] = IND_KIND_INDICES.map((i) => OBJECT_KINDS[i]!.name);

/** Far-OOD texture patterns: full-frame surfaces with no object and no scene. */
export const FAR_TEXTURES = ['marble', 'plaid', 'noise', 'waves', 'tiles'] as const;
export type FarTexture = (typeof FAR_TEXTURES)[number];
