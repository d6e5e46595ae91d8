import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

// The same code runs from src (tsx, vitest) and from a bundle (electron-vite output in out/), so the
// resources folder is found by walking up from this module's folder rather than by a fixed relative path.
export function resourcePath(...segments: string[]): string {
  const fromEnv = process.env.SYNOOD_RESOURCES;
  if (fromEnv) {
    const candidate = join(fromEnv, ...segments);
    if (existsSync(candidate)) return candidate;
  }
  const starts = [typeof __dirname === 'string' ? __dirname : undefined, process.cwd()].filter(
    (d): d is string => d !== undefined,
  );
  for (const start of starts) {
    let dir = resolve(start);
    while (true) {
      const candidate = join(dir, 'resources', ...segments);
      if (existsSync(candidate)) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error(`resource not found: resources/${segments.join('/')} (set SYNOOD_RESOURCES to the resources folder)`);
}
