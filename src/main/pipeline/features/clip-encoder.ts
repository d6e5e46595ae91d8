/** Image source: a file path or the encoded image bytes (PNG/JPEG/WebP…). */
export type ImageInput = string | Buffer;

export type ProgressCallback = (done: number, total: number) => void;

/**
 * A frozen CLIP model as the pipeline uses it: image_embeds and text_embeds (the projection outputs,
 * NOT normalised), row-major [N, dim].
 */
export interface ClipEncoder {
  readonly dim: number;
  /** SHA-256 of the vision model weights file; part of the feature cache key. */
  readonly modelSha256: string;
  /** Names the image preprocessing; part of the feature cache key. */
  readonly prep: string;
  /** Model invocations so far (one per batch), so callers and tests can see what the cache saved. */
  readonly runs: { vision: number; text: number };
  encodeImages(images: ImageInput[], onProgress?: ProgressCallback): Promise<Float32Array>;
  encodeTexts(texts: string[]): Promise<Float32Array>;
  release(): Promise<void>;
}

/**
 * The part of a ClipEncoder that only reads features (the noun describer): rows of `dim` floats, one per input,
 * in input order. One interface, narrowed, so a small test encoder need not fake cache keys it has no use for.
 */
export type ClipFeatures = Pick<ClipEncoder, 'dim' | 'encodeImages' | 'encodeTexts'>;
