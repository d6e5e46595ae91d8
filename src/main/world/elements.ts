import type { Element } from './catalogue';
import { paint, type Canvas, type Rgb } from './raster';

/** Where an element sits: its centre and size (pixels). */
export interface ElementPlacement {
  element: Element;
  cx: number;
  cy: number;
  size: number;
}

type Local = (u: number, v: number) => Rgb | null;

function disc(u: number, v: number, cu: number, cv: number, r: number): boolean {
  return (u - cu) ** 2 + (v - cv) ** 2 <= r * r;
}

/** Each element in a frame u, v ∈ [−1, 1] (v down), returning its colour where it is present. */
const SPRITES: Record<Element, Local> = {
  tree: (u, v) => {
    if (disc(u, v, 0, -0.35, 0.6)) return [34, 110, 40];
    if (Math.abs(u) <= 0.14 && v >= 0 && v <= 1) return [100, 62, 30];
    return null;
  },
  cloud: (u, v) => (disc(u, v, -0.45, 0.15, 0.4) || disc(u, v, 0.05, -0.1, 0.5) || disc(u, v, 0.5, 0.15, 0.38) || (Math.abs(u) < 0.8 && v > 0.1 && v < 0.5) ? [248, 248, 252] : null),
  rock: (u, v) => {
    if ((u / 0.95) ** 2 + ((v - 0.3) / 0.6) ** 2 > 1) return null;
    return v > 0.45 ? [88, 86, 84] : [128, 126, 122];
  },
  lamp: (u, v) => {
    if (disc(u, v, 0, -0.7, 0.28)) return [255, 236, 120];
    if (Math.abs(u) <= 0.08 && v >= -0.45 && v <= 1) return [40, 40, 46];
    if (Math.abs(u) <= 0.3 && v >= 0.88 && v <= 1) return [40, 40, 46];
    return null;
  },
  flower: (u, v) => {
    if (disc(u, v, 0, -0.4, 0.16)) return [250, 220, 40];
    for (let k = 0; k < 5; k++) {
      const a = (2 * Math.PI * k) / 5;
      if (disc(u, v, 0.32 * Math.cos(a), -0.4 + 0.32 * Math.sin(a), 0.2)) return [230, 60, 160];
    }
    if (Math.abs(u) <= 0.07 && v >= -0.3 && v <= 1) return [40, 140, 50];
    return null;
  },
  house: (u, v) => {
    if (v >= -0.1 && v <= 0.9 && Math.abs(u) <= 0.7) return Math.abs(u) <= 0.18 && v >= 0.4 ? [90, 55, 30] : [215, 190, 140];
    if (v < -0.1 && v >= -0.9 && Math.abs(u) <= 0.85 * ((v + 0.9) / 0.8)) return [150, 40, 35];
    return null;
  },
  sun: (u, v) => {
    const r2 = u * u + v * v;
    if (r2 <= 0.36) return [255, 214, 40];
    const a = Math.atan2(v, u);
    if (r2 <= 0.9 && Math.cos(8 * a) > 0.6) return [255, 170, 30];
    return null;
  },
  fence: (u, v) => {
    const picket = Math.abs((((u + 1) * 2.5) % 1) - 0.5) < 0.28 && v >= -0.6 && v <= 0.9;
    const rail = Math.abs(v - 0.05) < 0.1 || Math.abs(v - 0.6) < 0.1;
    return picket || (rail && Math.abs(u) <= 1) ? [235, 235, 228] : null;
  },
};

export function paintElement(c: Canvas, e: ElementPlacement): void {
  const sprite = SPRITES[e.element];
  const half = e.size / 2;
  paint(c, { x0: e.cx - half, y0: e.cy - half, x1: e.cx + half, y1: e.cy + half }, 2, (x, y) => sprite((x - e.cx) / half, (y - e.cy) / half));
}
