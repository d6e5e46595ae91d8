import type { Db } from './db';

/**
 * CLIP features cached per (image sha256, model sha256, preprocessing) in the project database, so re-running a
 * stage never encodes an image twice. Stored as raw little-endian float32.
 */
export class SqliteFeatureCache {
  private readonly getStmt;
  private readonly putStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare('SELECT data FROM feature_cache WHERE image_sha256 = ? AND model_sha256 = ? AND prep = ?').pluck();
    this.putStmt = db.prepare('INSERT OR REPLACE INTO feature_cache (image_sha256, model_sha256, prep, dim, data) VALUES (?, ?, ?, ?, ?)');
  }

  get(imageSha256: string, modelSha256: string, prep: string): Float32Array | undefined {
    const buf = this.getStmt.get(imageSha256, modelSha256, prep) as Buffer | undefined;
    if (!buf) return undefined;
    // Copy out: the Buffer may be an unaligned view, and callers keep the array.
    const out = new Float32Array(buf.byteLength / 4);
    new Uint8Array(out.buffer).set(buf);
    return out;
  }

  put(imageSha256: string, modelSha256: string, prep: string, feature: Float32Array): void {
    this.putStmt.run(imageSha256, modelSha256, prep, feature.length, Buffer.from(feature.buffer, feature.byteOffset, feature.byteLength));
  }
}
