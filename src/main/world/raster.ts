/** A small float RGB canvas the world paints into, and the one anti-aliased fill every painter uses. */

export type Rgb = readonly [number, number, number];

export interface Canvas {
  size: number;
  /** Row-major RGB, 0–255 floats until `toBytes`. */
  data: Float32Array;
}

export function createCanvas(size: number): Canvas {
  return { size, data: new Float32Array(size * size * 3) };
}

export function setPixel(c: Canvas, x: number, y: number, rgb: Rgb): void {
  const i = (y * c.size + x) * 3;
  c.data[i] = rgb[0];
  c.data[i + 1] = rgb[1];
  c.data[i + 2] = rgb[2];
}

/**
 * Paints `colourAt` over the pixels of a box with `samples`² sub-samples per pixel: a pixel takes the mean colour of
 * its covered sub-samples, blended by the fraction covered (anti-aliased edges without any platform raster code).
 * `colourAt` returns null where the shape is absent.
 */
export function paint(c: Canvas, box: { x0: number; y0: number; x1: number; y1: number }, samples: number, colourAt: (x: number, y: number) => Rgb | null): void {
  const x0 = Math.max(0, Math.floor(box.x0));
  const y0 = Math.max(0, Math.floor(box.y0));
  const x1 = Math.min(c.size - 1, Math.ceil(box.x1));
  const y1 = Math.min(c.size - 1, Math.ceil(box.y1));
  const n = samples * samples;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let hit = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const rgb = colourAt(x + (sx + 0.5) / samples, y + (sy + 0.5) / samples);
          if (!rgb) continue;
          r += rgb[0];
          g += rgb[1];
          b += rgb[2];
          hit++;
        }
      }
      if (hit === 0) continue;
      const a = hit / n;
      const i = (y * c.size + x) * 3;
      c.data[i] = c.data[i]! * (1 - a) + (r / hit) * a;
      c.data[i + 1] = c.data[i + 1]! * (1 - a) + (g / hit) * a;
      c.data[i + 2] = c.data[i + 2]! * (1 - a) + (b / hit) * a;
    }
  }
}

/** Rounds and clamps to bytes (RGB, row-major). */
export function toBytes(c: Canvas): Uint8Array {
  const out = new Uint8Array(c.data.length);
  for (let i = 0; i < c.data.length; i++) out[i] = Math.min(255, Math.max(0, Math.round(c.data[i]!)));
  return out;
}

export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function scale(a: Rgb, k: number): Rgb {
  return [a[0] * k, a[1] * k, a[2] * k];
}
