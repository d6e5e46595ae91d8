import type { Shape, Texture } from './catalogue';
import { paint, scale, type Canvas, type Rgb } from './raster';
import { insideShape } from './shapes';

export interface ObjectPlacement {
  shape: Shape;
  texture: Texture;
  /** The image's colour, jittered within its family. */
  colour: Rgb;
  cx: number;
  cy: number;
  /** Half-size in pixels. */
  radius: number;
  /** Radians. */
  rotation: number;
}

/** The pattern colour at object-frame (u, v): the texture moves and turns with the object. */
function textured(texture: Texture, base: Rgb, u: number, v: number): Rgb {
  const dark = scale(base, 0.42);
  switch (texture) {
    case 'plain':
      return scale(base, 1.05 - 0.12 * (u + v));
    case 'striped':
      return Math.floor((u + v) * 3.2 + 8) % 2 === 0 ? base : dark;
    case 'dotted': {
      const fu = u * 3.4 - Math.floor(u * 3.4) - 0.5;
      const fv = v * 3.4 - Math.floor(v * 3.4) - 0.5;
      return fu * fu + fv * fv < 0.09 ? dark : base;
    }
    case 'checkered':
      return (Math.floor(u * 2.8 + 8) + Math.floor(v * 2.8 + 8)) % 2 === 0 ? base : dark;
  }
}

/** A dark outline (the silhouette 14% larger) and then the textured shape, 3×3 sub-samples per pixel. */
export function paintObject(c: Canvas, o: ObjectPlacement): void {
  const cos = Math.cos(o.rotation);
  const sin = Math.sin(o.rotation);
  const outline = 1.14;
  const reach = o.radius * outline * 1.05;
  const box = { x0: o.cx - reach, y0: o.cy - reach, x1: o.cx + reach, y1: o.cy + reach };
  const frame = (x: number, y: number): [number, number] => {
    const dx = (x - o.cx) / o.radius;
    const dy = (y - o.cy) / o.radius;
    return [cos * dx + sin * dy, -sin * dx + cos * dy];
  };
  paint(c, box, 3, (x, y) => {
    const [u, v] = frame(x, y);
    return insideShape(o.shape, u / outline, v / outline) ? [24, 22, 28] : null;
  });
  paint(c, box, 3, (x, y) => {
    const [u, v] = frame(x, y);
    return insideShape(o.shape, u, v) ? textured(o.texture, o.colour, u, v) : null;
  });
}
