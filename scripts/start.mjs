// `npm start`: the Electron window where its binary exists; otherwise the same studio in browser mode.
// Before Electron starts, better-sqlite3 for Electron's ABI is made (once; cached in out/native) beside node_modules'
// Node build, which the CLI and tests keep using (scripts/native-electron.mjs). When it cannot be made (offline, no
// headers), the reason and the fixes are printed and the studio opens in browser mode instead.
// SYNOOD_BROWSER_MODE=1 forces browser mode; SYNOOD_START_DRY_RUN=1 prints what would run and exits.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheKey, cachedBuild, electronBinary, electronTarget, ensureSqlite, nodeVersionNote } from './native-electron.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const dryRun = !!process.env.SYNOOD_START_DRY_RUN;

function run(cmd, cmdArgs) {
  if (dryRun) return void console.log(`would run: ${cmd} ${cmdArgs.join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function start(cmd, cmdArgs, env = process.env) {
  if (dryRun) return void console.log(`would start: ${cmd} ${cmdArgs.join(' ')}`);
  spawn(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env }).on('exit', (c) => process.exit(c ?? 0));
}

function browserMode() {
  if (!fs.existsSync(path.join(root, 'out/renderer/index.html'))) run('npx', ['vite', 'build', '--config', 'vite.renderer.config.mts', '--logLevel', 'warn']);
  start(process.execPath, [path.join(root, 'bin/synood.js'), 'serve', ...args]);
}

/** better-sqlite3 for this Electron: the cached build, or a new one; null (after saying why) when it cannot be had. */
function electronSqlite(t) {
  if (dryRun) {
    const c = cachedBuild(t, root);
    console.log(c ? `better-sqlite3 for Electron: ${path.relative(root, c.file)}` : `better-sqlite3 for Electron: none in out/native/${cacheKey(t)}; would run scripts/native-electron.mjs`);
    return c?.file ?? 'out/native/(to be built)';
  }
  const r = ensureSqlite(t, { root });
  if (r.ok) return r.file;
  console.error(r.message);
  return null;
}

const bin = process.env.SYNOOD_BROWSER_MODE ? null : electronBinary(root);
if (bin) {
  const t = electronTarget(root);
  console.log(`Electron ${t.version} (${bin})`);
  const note = nodeVersionNote(t);
  if (note) console.log(note);
  const sqlite = electronSqlite(t);
  if (sqlite) {
    run('npx', ['electron-vite', 'build']);
    start('npx', ['electron-vite', 'preview'], { ...process.env, SYNOOD_SQLITE_BINDING: sqlite });
  } else {
    console.error('Serving the same studio in browser mode instead (it runs on Node, with node_modules\' build of better-sqlite3).');
    browserMode();
  }
} else {
  console.log(
    process.env.SYNOOD_BROWSER_MODE
      ? 'SYNOOD_BROWSER_MODE is set; serving the studio in browser mode.'
      : 'No Electron binary is installed here (npx install-electron fetches it); serving the same studio in browser mode instead.',
  );
  browserMode();
}
