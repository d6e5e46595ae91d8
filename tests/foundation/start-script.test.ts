import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp';

const REPO = path.resolve(__dirname, '../..');

/** `npm start`'s decisions and messages (SYNOOD_START_DRY_RUN: it says what it would run and stops). */
describe('scripts/start.mjs', () => {
  const t = tmpDir('synood-start-');
  afterAll(() => t.cleanup());
  const start = (env: Record<string, string>) =>
    new Promise<{ code: number; out: string }>((resolve) =>
      execFile(process.execPath, [path.join(REPO, 'scripts', 'start.mjs')], { cwd: REPO, env: { ...process.env, SYNOOD_START_DRY_RUN: '1', ...env }, timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, out: stdout + stderr }),
      ),
    );

  it('without an Electron binary: says so in one line and serves browser mode', async () => {
    const r = await start({ ELECTRON_OVERRIDE_DIST_PATH: path.join(t.dir, 'no-electron') });
    expect(r.code).toBe(0);
    expect(r.out).toContain('No Electron binary is installed here (npx install-electron fetches it); serving the same studio in browser mode instead.');
    expect(r.out).toMatch(/would start: .*bin\/synood\.js serve/);
    expect(r.out).not.toContain('electron-vite');
  });

  it('with an Electron binary: makes better-sqlite3 for its ABI first, then builds and starts Electron', async () => {
    const dist = path.join(t.dir, 'electron-dist');
    fs.mkdirSync(dist, { recursive: true });
    fs.writeFileSync(path.join(dist, 'electron'), '#!/bin/sh\n', { mode: 0o755 });
    const r = await start({ ELECTRON_OVERRIDE_DIST_PATH: dist });
    expect(r.code).toBe(0);
    expect(r.out).toContain(`Electron 45.5.0 (${path.join(dist, 'electron')})`);
    expect(r.out).toMatch(/better-sqlite3 for Electron: (out\/native\/electron-abi150-[\w-]+\/better_sqlite3\.node|none in out\/native\/electron-abi150-[\w-]+; would run scripts\/native-electron\.mjs)/);
    expect(r.out).toContain('would run: npx electron-vite build');
    expect(r.out).toContain('would start: npx electron-vite preview');
    if (Number(process.versions.node.split('.')[0]) < 22) expect(r.out).toContain('want Node >= 22.12');
  });

  it('SYNOOD_BROWSER_MODE=1 chooses browser mode even where Electron exists', async () => {
    const r = await start({ SYNOOD_BROWSER_MODE: '1' });
    expect(r.out).toContain('SYNOOD_BROWSER_MODE is set; serving the studio in browser mode.');
  });
});
