import path from 'node:path';
import { Studio } from '../../src/main/root';
import { seedProject, type SeedOptions, type SeedSummary } from '../../src/main/dev/seed';
import { tmpDir } from '../helpers/tmp';

/** A real in-process studio with a fresh project filled by the demo seeder. */
export async function seededStudio(opts: SeedOptions = {}): Promise<{ studio: Studio; seed: SeedSummary; call: <T = unknown>(route: string, input: unknown) => Promise<T>; close: () => Promise<void> }> {
  const t = tmpDir('synood-ui-');
  const studio = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home') });
  const call = async <T,>(route: string, input: unknown): Promise<T> => {
    const r = await studio.call(route, input);
    if (!r.ok) throw new Error(`${route}: ${r.error.message}`);
    return r.value as T;
  };
  await call('project.create', { dir: path.join(t.dir, 'project'), name: 'ui test' });
  const seed = await seedProject(studio.project!, { classes: 3, imagesPerClass: 4, candidates: 40, pictures: 4, ...opts });
  return {
    studio,
    seed,
    call,
    close: async () => {
      await studio.close();
      t.cleanup();
    },
  };
}

/**
 * jsdom has no layout and no ResizeObserver. Give every element a fixed box so the virtual grid sizes its window the
 * way a browser would (about five rows of thumbnails are in view), and a do-nothing observer.
 */
export function installLayout(width = 1000, height = 800): void {
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => width });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => height });
  if (typeof globalThis.ResizeObserver !== 'undefined') return;
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
}
