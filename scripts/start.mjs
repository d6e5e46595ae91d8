// `npm start`: the Electron window where its binary exists; otherwise the same studio in browser mode.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);

function electronBinary() {
  // Read path.txt ourselves: require('electron') would try to download a missing binary.
  try {
    const pkg = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const rel = fs.readFileSync(path.join(pkg, 'path.txt'), 'utf8').trim();
    const bin = path.join(pkg, 'dist', rel);
    return fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

function run(cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (electronBinary() && !process.env.SYNOOD_BROWSER_MODE) {
  run('npx', ['electron-vite', 'build']);
  spawn('npx', ['electron-vite', 'preview'], { cwd: root, stdio: 'inherit' }).on('exit', (c) => process.exit(c ?? 0));
} else {
  console.log('No Electron binary is installed here; serving the same studio in browser mode instead.');
  if (!fs.existsSync(path.join(root, 'out/renderer/index.html'))) run('npx', ['vite', 'build', '--config', 'vite.renderer.config.mts', '--logLevel', 'warn']);
  spawn(process.execPath, [path.join(root, 'bin/synood.js'), 'serve', ...args], { cwd: root, stdio: 'inherit' }).on('exit', (c) => process.exit(c ?? 0));
}
