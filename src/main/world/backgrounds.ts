import type { Background } from './catalogue';
import { hashUnit, valueNoise } from './hash-noise';
import { mix, setPixel, type Canvas, type Rgb } from './raster';

/** Per-image variation of a background: a noise seed, a horizon height and a phase for stripes and waves. */
export interface BackgroundParams {
  seed: number;
  /** 0..1, where horizons and lines sit. */
  level: number;
  phase: number;
}

type Painter = (x: number, y: number, size: number, p: BackgroundParams) => Rgb;

const PAINTERS: Record<Background, Painter> = {
  sky(x, y, size, p) {
    const t = y / size;
    const base = mix([95, 160, 232], [195, 225, 250], t);
    const haze = valueNoise(p.seed, x, y, 16) * 14;
    return [base[0] + haze, base[1] + haze, base[2] + haze * 0.3];
  },
  grass(x, y, _size, p) {
    const blades = valueNoise(p.seed, x * 3, y * 0.6, 2);
    const patches = valueNoise(p.seed + 1, x, y, 12);
    const k = 0.7 + 0.35 * blades + 0.2 * patches;
    return [52 * k, 138 * k, 44 * k];
  },
  water(x, y, _size, p) {
    const wave = Math.sin(y * 0.9 + 2.2 * Math.sin(x * 0.16 + p.phase) + p.phase);
    const depth = valueNoise(p.seed, x, y, 10);
    const base = mix([22, 82, 140], [40, 120, 175], depth);
    return wave > 0.82 ? mix(base, [190, 225, 245], 0.6) : base;
  },
  room(x, y, size, p) {
    const horizon = size * (0.62 + 0.12 * p.level);
    if (y < horizon) {
      const shade = valueNoise(p.seed, x, y, 20) * 12;
      return [222 - shade, 206 - shade, 178 - shade];
    }
    const plank = Math.floor((x + 3 * p.phase) / 9) % 2 === 0 ? 1 : 0.9;
    const grain = 0.9 + 0.15 * valueNoise(p.seed + 3, x * 0.3, y * 3, 3);
    const seam = (x + Math.floor(3 * p.phase)) % 9 === 0 ? 0.7 : 1;
    const k = plank * grain * seam;
    return [140 * k, 94 * k, 58 * k];
  },
  road(x, y, size, p) {
    const grit = valueNoise(p.seed, x, y, 2) * 22 + valueNoise(p.seed + 1, x, y, 9) * 14;
    const lineY = size * (0.7 + 0.15 * p.level);
    const onLine = Math.abs(y - lineY) < 1.6 && Math.floor((x + p.phase * 8) / 8) % 2 === 0;
    if (onLine) return [235, 205, 60];
    return [78 + grit, 78 + grit, 84 + grit];
  },
  sand(x, y, _size, p) {
    const ripple = Math.sin(y * 0.7 + 3 * valueNoise(p.seed, x, y, 14) * Math.PI);
    const grain = hashUnit(p.seed, x, y) * 14;
    return [222 + 8 * ripple - grain, 192 + 8 * ripple - grain, 138 + 6 * ripple - grain];
  },
  snow(x, y, size, p) {
    const drift = valueNoise(p.seed, x, y, 14);
    const shade = mix([236, 242, 252], [196, 212, 235], drift * (0.4 + (0.6 * y) / size));
    const sparkle = hashUnit(p.seed + 7, x, y) > 0.985 ? 18 : 0;
    return [shade[0] + sparkle, shade[1] + sparkle, shade[2]];
  },
  night(x, y, size, p) {
    const base = mix([8, 12, 38], [30, 36, 80], y / size);
    const star = hashUnit(p.seed, x, y);
    if (star > 0.982) {
      const b = 160 + 95 * hashUnit(p.seed + 1, x, y);
      return [b, b, b * 0.9];
    }
    return base;
  },
  'brick wall'(x, y, _size, p) {
    const row = Math.floor((y + p.phase * 4) / 8);
    const offset = row % 2 === 0 ? 0 : 8;
    const bx = (x + offset) % 16;
    const by = (y + Math.floor(p.phase * 4)) % 8;
    if (bx === 0 || by === 0) return [200, 195, 185];
    const tone = 0.85 + 0.3 * hashUnit(p.seed, Math.floor((x + offset) / 16), row);
    return [150 * tone, 62 * tone, 45 * tone];
  },
};

export function paintBackground(c: Canvas, background: Background, p: BackgroundParams): void {
  const painter = PAINTERS[background];
  for (let y = 0; y < c.size; y++) for (let x = 0; x < c.size; x++) setPixel(c, x, y, painter(x, y, c.size, p));
}
