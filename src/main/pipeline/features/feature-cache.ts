/**
 * Image features keyed by what determines them: the image bytes, the encoder weights and the preprocessing.
 * The lead's implementation lives in SQLite; the in-memory one below serves tests and one-off runs.
 */
export interface FeatureCache {
  get(imageSha256: string, modelSha256: string, prep: string): Float32Array | undefined;
  put(imageSha256: string, modelSha256: string, prep: string, feature: Float32Array): void;
}

export class MemoryFeatureCache implements FeatureCache {
  private readonly entries = new Map<string, Float32Array>();

  get(imageSha256: string, modelSha256: string, prep: string): Float32Array | undefined {
    return this.entries.get(key(imageSha256, modelSha256, prep));
  }

  put(imageSha256: string, modelSha256: string, prep: string, feature: Float32Array): void {
    // Copy so later writes into the caller's batch buffer cannot change the cached value.
    this.entries.set(key(imageSha256, modelSha256, prep), feature.slice());
  }

  get size(): number {
    return this.entries.size;
  }
}

function key(imageSha256: string, modelSha256: string, prep: string): string {
  return `${imageSha256}\u0000${modelSha256}\u0000${prep}`;
}
