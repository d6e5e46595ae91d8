import type { Shape } from './catalogue';

/**
 * Object silhouettes as inside-tests in the object's own frame: u right, v down, the shape filling about the unit
 * disc. Simple closed forms, so the rendering is the same everywhere.
 */

type Pt = readonly [number, number];

function insidePolygon(u: number, v: number, pts: readonly Pt[]): boolean {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i]!;
    const [xj, yj] = pts[j]!;
    if (yi > v !== yj > v && u < ((xj - xi) * (v - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function regularPolygon(n: number, r: number, phase: number): Pt[] {
  return Array.from({ length: n }, (_, i) => [r * Math.cos(phase + (2 * Math.PI * i) / n), r * Math.sin(phase + (2 * Math.PI * i) / n)] as Pt);
}

const TRIANGLE: Pt[] = [
  [0, -0.92],
  [0.9, 0.68],
  [-0.9, 0.68],
];
const STAR: Pt[] = Array.from({ length: 10 }, (_, i) => {
  const r = i % 2 === 0 ? 0.98 : 0.42;
  const a = -Math.PI / 2 + (Math.PI * i) / 5;
  return [r * Math.cos(a), r * Math.sin(a)] as Pt;
});
const HEXAGON = regularPolygon(6, 0.9, 0);

export function insideShape(shape: Shape, u: number, v: number): boolean {
  switch (shape) {
    case 'circle':
      return u * u + v * v <= 0.81;
    case 'square':
      return Math.abs(u) <= 0.74 && Math.abs(v) <= 0.74;
    case 'triangle':
      return insidePolygon(u, v, TRIANGLE);
    case 'star':
      return insidePolygon(u, v, STAR);
    case 'cross':
      return (Math.abs(u) <= 0.3 && Math.abs(v) <= 0.92) || (Math.abs(v) <= 0.3 && Math.abs(u) <= 0.92);
    case 'ring': {
      const r2 = u * u + v * v;
      return r2 <= 0.85 && r2 >= 0.27;
    }
    case 'diamond':
      return Math.abs(u) / 0.68 + Math.abs(v) / 0.98 <= 1;
    case 'hexagon':
      return insidePolygon(u, v, HEXAGON);
    case 'crescent': {
      const dx = u - 0.38;
      const dy = v + 0.12;
      return u * u + v * v <= 0.85 && dx * dx + dy * dy > 0.5;
    }
    case 'heart': {
      // The classic quartic heart (x² + y² − 1)³ − x²y³ ≤ 0, y up, scaled into the unit disc.
      const x = u * 1.2;
      const y = -v * 1.2 + 0.15;
      const a = x * x + y * y - 1;
      return a * a * a - x * x * y * y * y <= 0;
    }
  }
}
