// `npm run dist`: the installable app. 1. better-sqlite3 for Electron's ABI into out/native (scripts/native-electron.mjs;
// node_modules keeps its Node build); 2. electron-vite build; 3. electron-builder --config build/electron-builder.yml,
// which ships out/native as resources/native and never rebuilds node_modules (npmRebuild: false).
// Extra arguments go to electron-builder (e.g. `npm run dist -- --linux dir`). Stops, saying why, at the first failure.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronTarget, ensureSqlite, nodeVersionNote } from './native-electron.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const t = electronTarget(root);
const note = nodeVersionNote(t);
if (note) console.log(note);

const sqlite = ensureSqlite(t, { root });
if (!sqlite.ok) {
  console.error(sqlite.message);
  console.error('npm run dist: stopped before packaging; an app without this build could not open a project.');
  process.exit(1);
}
console.log(`native: ${path.relative(root, sqlite.file)} (${sqlite.method})`);

for (const [cmd, args] of [
  ['npx', ['electron-vite', 'build']],
  ['npx', ['electron-builder', '--config', 'build/electron-builder.yml', ...process.argv.slice(2)]],
]) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`npm run dist: ${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal}).${args[0] === 'electron-builder' ? ` electron-builder downloads Electron ${t.version} for the target: it needs network access, or the zip in ELECTRON_CACHE.` : ''}`);
    process.exit(r.status ?? 1);
  }
}
