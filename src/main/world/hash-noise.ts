/**
 * Integer-hash noise for the world's textures. Everything is 32-bit integer arithmetic (Math.imul, shifts)
 * plus float multiply/add, which IEEE 754 makes identical on every machine, so an image's bytes depend only on
 * its seed.
 */

/** A 32-bit hash of up to three integers and a seed (a murmur3-style finaliser). */
export function hash32(seed: number, a: number, b = 0, c = 0): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (a | 0), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ (b | 0), 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ (c | 0), 0x27d4eb2f);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}

/** Uniform in [0, 1) from a hash. */
export function hashUnit(seed: number, a: number, b = 0, c = 0): number {
  return hash32(seed, a, b, c) / 4294967296;
}

/** A string as a 32-bit integer (FNV-1a), to key seeds by split names. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

/** Value noise in [0, 1): lattice values every `cell` pixels, smoothstep-interpolated. */
export function valueNoise(seed: number, x: number, y: number, cell: number): number {
  const gx = x / cell;
  const gy = y / cell;
  const ix = Math.floor(gx);
  const iy = Math.floor(gy);
  const fx = smooth(gx - ix);
  const fy = smooth(gy - iy);
  const v00 = hashUnit(seed, ix, iy);
  const v10 = hashUnit(seed, ix + 1, iy);
  const v01 = hashUnit(seed, ix, iy + 1);
  const v11 = hashUnit(seed, ix + 1, iy + 1);
  const top = v00 + (v10 - v00) * fx;
  const bottom = v01 + (v11 - v01) * fx;
  return top + (bottom - top) * fy;
}
