import type { FarTexture } from './catalogue';
import { hashUnit, valueNoise } from './hash-noise';
import { mix, setPixel, type Canvas, type Rgb } from './raster';

/** Full-frame surfaces for the far-OOD set: no object, no scene, two colours the image draws. */
export interface FarTextureParams {
  texture: FarTexture;
  seed: number;
  a: Rgb;
  b: Rgb;
  /** Pattern frequency scale, 0.5–1.5. */
  freq: number;
}

export function paintFarTexture(c: Canvas, p: FarTextureParams): void {
  for (let y = 0; y < c.size; y++) {
    for (let x = 0; x < c.size; x++) {
      let t: number;
      switch (p.texture) {
        case 'marble':
          t = 0.5 + 0.5 * Math.sin(x * 0.25 * p.freq + 6 * valueNoise(p.seed, x, y, 12));
          break;
        case 'plaid': {
          const h = Math.floor((y * p.freq) / 5) % 3 === 0 ? 0.5 : 0;
          const v = Math.floor((x * p.freq) / 5) % 3 === 0 ? 0.5 : 0;
          t = h + v;
          break;
        }
        case 'noise':
          t = 0.6 * valueNoise(p.seed, x, y, 8 / p.freq) + 0.4 * valueNoise(p.seed + 1, x, y, 3 / p.freq);
          break;
        case 'waves': {
          const cx = x - 32;
          const cy = y - 32;
          t = 0.5 + 0.5 * Math.sin(Math.sqrt(cx * cx + cy * cy) * 0.6 * p.freq + valueNoise(p.seed, x, y, 16) * 3);
          break;
        }
        case 'tiles': {
          const cell = Math.round(10 / p.freq) + 4;
          const grout = x % cell === 0 || y % cell === 0;
          t = grout ? 1 : 0.8 * hashUnit(p.seed, Math.floor(x / cell), Math.floor(y / cell));
          break;
        }
      }
      setPixel(c, x, y, mix(p.a, p.b, t));
    }
  }
}
