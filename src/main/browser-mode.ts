import fs from 'node:fs';
import path from 'node:path';
import { Studio } from './root';
import { startBrowserHost, type BrowserHost } from './host/server';

/** Finds the renderer build from the source tree or from a bundle. */
export function defaultRendererDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'out', 'renderer');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
    if (path.dirname(dir) === dir) return path.resolve('out/renderer');
  }
}

/** The studio in browser mode: same services and renderer build as Electron, over HTTP on 127.0.0.1 with a token. */
export async function runBrowserMode(opts: { projectDir?: string; port?: number; homeDir?: string; rendererDir?: string } = {}): Promise<{ studio: Studio; host: BrowserHost }> {
  const studio = new Studio({ transport: 'browser', ...(opts.homeDir ? { homeDir: opts.homeDir } : {}) });
  if (opts.projectDir) {
    const r = await studio.call('project.open', { dir: path.resolve(opts.projectDir) });
    if (!r.ok) throw new Error(r.error.message);
  }
  const host = await startBrowserHost(studio, { rendererDir: opts.rendererDir ?? defaultRendererDir(), ...(opts.port ? { port: opts.port } : {}) });
  return { studio, host };
}
