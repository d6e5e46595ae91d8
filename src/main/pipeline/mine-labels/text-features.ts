import { averageTemplateFeatures, matrix } from '../../ood';
import type { ClipEncoder } from '../features';

/**
 * Text features memoised per (prompt, model) for the life of one job: the same class or label prompt is
 * encoded once however many items ask for it. Prompt sets of several templates are averaged as an ensemble
 * (each normalised, averaged, renormalised); a single template gives the raw encoder output.
 */
export class TextFeatureMemo {
  private readonly memo = new Map<string, Float32Array>();

  constructor(private readonly encoder: ClipEncoder) {}

  get dim(): number {
    return this.encoder.dim;
  }

  /** [texts.length, dim], encoding only the prompts not seen yet. */
  async encode(texts: string[]): Promise<Float32Array> {
    const d = this.encoder.dim;
    const key = (t: string) => `${this.encoder.modelSha256}\u0000${t}`;
    const missing = [...new Set(texts.filter((t) => !this.memo.has(key(t))))];
    if (missing.length > 0) {
      const feats = await this.encoder.encodeTexts(missing);
      missing.forEach((t, i) => this.memo.set(key(t), feats.slice(i * d, (i + 1) * d)));
    }
    const out = new Float32Array(texts.length * d);
    texts.forEach((t, i) => out.set(this.memo.get(key(t))!, i * d));
    return out;
  }

  /** One feature per prompt set ([sets.length, dim]); sets of equal size are encoded together. */
  async encodeSets(sets: string[][]): Promise<Float32Array> {
    const d = this.encoder.dim;
    const out = new Float32Array(sets.length * d);
    // Nouns and adjectives may have ensembles of different sizes; each size is one batched pass.
    const bySize = new Map<number, number[]>();
    sets.forEach((s, i) => {
      const rows = bySize.get(s.length);
      if (rows) rows.push(i);
      else bySize.set(s.length, [i]);
    });
    for (const [per, rows] of bySize) {
      const flat = await this.encode(rows.flatMap((i) => sets[i]!));
      const feats = per === 1 ? flat : averageTemplateFeatures(matrix(flat, rows.length * per, d), per).data;
      rows.forEach((i, j) => out.set(feats.subarray(j * d, (j + 1) * d), i * d));
    }
    return out;
  }
}
