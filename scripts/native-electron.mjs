// better-sqlite3 for Electron, next to (never instead of) the Node build that the CLI and the tests use.
//
// better-sqlite3 compiles against V8 directly, so a build is tied to one NODE_MODULE_VERSION (ABI): node_modules holds
// the Node 20 build (ABI 115), Electron 45's main and utility processes need ABI 150. This script makes the Electron
// build in a staging copy of the package and keeps it in a cache folder keyed by ABI, platform and arch:
//
//   out/native/electron-abi150-linux-x64/better_sqlite3.node   (+ manifest.json)
//
// The Electron entry (src/main/electron-native.ts) loads that file instead of node_modules' build; electron-builder
// ships the folder as resources/native (build/electron-builder.yml, npmRebuild: false so it never rebuilds
// node_modules in place). onnxruntime-node and sharp are Node-API modules: one build serves Node and Electron.
//
// How the build is made, first that works:
//   1. the cache, when its manifest names the same Electron version and better-sqlite3 version;
//   2. SYNOOD_ELECTRON_HEADERS=<Electron headers: the node-v<version>-headers.tar.gz file or its unpacked folder>:
//      an offline source build with node-gyp;
//   3. prebuild-install: better-sqlite3's prebuilt binary for this Electron ABI (GitHub releases; also found in
//      ~/.npm/_prebuilds when put there by hand);
//   4. node-gyp source build with Electron's headers from https://electronjs.org/headers (C++ toolchain and Python).
// Offline, 3 and 4 fail at once (DNS) and the script says so, and what to do, in a few lines.
//
// Usage: node scripts/native-electron.mjs [--force] [--check]   (npm run native:electron)
//   --check: report whether the cache is current, build nothing (exit 0 current, 1 not).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..');
export const ADDON = 'better_sqlite3.node';

/** Electron's version and NODE_MODULE_VERSION, from its npm package (the binary itself need not be installed). */
export function electronTarget(root = ROOT) {
  const dir = path.join(root, 'node_modules', 'electron');
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  let abi;
  try {
    abi = fs.readFileSync(path.join(dir, 'abi_version'), 'utf8').trim();
  } catch {
    abi = String(createRequire(path.join(root, 'package.json'))('node-abi').getAbi(version, 'electron'));
  }
  return { runtime: 'electron', version, abi, platform: process.platform, arch: process.arch };
}

/**
 * The Electron executable when it is installed, else null. Reads electron's path.txt itself: require('electron') would
 * start a download of a missing binary. ELECTRON_OVERRIDE_DIST_PATH (electron's own variable) names another dist folder.
 */
export function electronBinary(root = ROOT, env = process.env) {
  try {
    const pkg = path.join(root, 'node_modules', 'electron');
    let rel = null;
    try {
      rel = fs.readFileSync(path.join(pkg, 'path.txt'), 'utf8').trim();
    } catch {
      rel = null;
    }
    const exe = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron';
    const bin = env.ELECTRON_OVERRIDE_DIST_PATH ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, rel ?? exe) : rel ? path.join(pkg, 'dist', rel) : null;
    return bin && fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

/** Electron 45's npm tooling (@electron/get, @electron/rebuild) wants Node >= 22.12; a one-line note below that, else null. */
export function nodeVersionNote(t, version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 12)) return null;
  return `note: Node ${version}; Electron ${t.version}'s tools (electron's installer, electron-builder's download) want Node >= 22.12. The CLI, the tests and browser mode run on Node >= 20.19.`;
}

/** The cache folder of one runtime/ABI/platform/arch; src/main/electron-native.ts computes the same name. */
export function cacheKey(t) {
  return `${t.runtime}-abi${t.abi}-${t.platform}-${t.arch}`;
}

export function cacheDir(t, root = ROOT) {
  return path.join(root, 'out', 'native', cacheKey(t));
}

function sqliteVersion(root) {
  return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8')).version;
}

/** The cached build when its manifest matches this target and better-sqlite3 version; else null. */
export function cachedBuild(t, root = ROOT) {
  const dir = cacheDir(t, root);
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    if (m.version === t.version && m.abi === t.abi && m.betterSqlite3 === sqliteVersion(root) && fs.existsSync(path.join(dir, ADDON))) return { file: path.join(dir, ADDON), manifest: m };
  } catch {
    // no cache or an unreadable one: rebuild
  }
  return null;
}

/**
 * The environment for prebuild-install and node-gyp. Without this, npm's own settings leak in: this workplace's
 * ~/.npmrc sets nodedir=/usr (the system Node's headers), and under `npm start`/`npm run` that arrives as
 * npm_config_nodedir, which would build against Node 20's headers and silently produce an ABI 115 binary.
 */
export function buildEnv(env = process.env) {
  const out = {};
  for (const [k, v] of Object.entries(env)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|target_arch|build_from_source|tarball)$/i.test(k)) continue;
    out[k] = v;
  }
  return out;
}

/** The commands that can make the build, in order; each runs in the staging copy of better-sqlite3. */
export function buildPlan(t, { headers, devdir, root = ROOT } = {}) {
  const bin = (name) => path.join(root, 'node_modules', '.bin', name);
  const gyp = (extra) => ({ kind: 'source', cmd: bin('node-gyp'), args: ['rebuild', '--release', `--runtime=${t.runtime}`, `--target=${t.version}`, `--arch=${t.arch}`, ...(devdir ? [`--devdir=${devdir}`] : []), ...extra] });
  if (headers) {
    const isFile = fs.existsSync(headers) && fs.statSync(headers).isFile();
    return [{ ...gyp([isFile ? `--tarball=${headers}` : `--nodedir=${headers}`]), kind: 'source-offline' }];
  }
  const plan = [{ kind: 'prebuilt', cmd: bin('prebuild-install'), args: [`--runtime=${t.runtime}`, `--target=${t.version}`, `--arch=${t.arch}`, `--platform=${t.platform}`, '--verbose'] }];
  plan.push(gyp(t.runtime === 'electron' ? ['--dist-url=https://electronjs.org/headers'] : []));
  return plan;
}

/** Why a step failed, in a few words: network, toolchain, or the tail of its output. */
export function explainFailure(output) {
  const url = [...output.matchAll(/http (?:request )?GET (\S+)/g)].map((m) => m[1]).pop();
  const host = /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) ([\w.-]+)/.exec(output)?.[1];
  const network = host || /ECONNREFUSED|ETIMEDOUT|ECONNRESET|network connectivity|proxy/i.test(output);
  if (network) return `cannot download ${url ?? 'it'} (${host ? `cannot resolve ${host}` : 'network error'}; offline?)`;
  if (/not found: make|gyp ERR! stack Error: not found|Could not find any Python|g\+\+: not found|c\+\+: not found/.test(output)) return 'no C++ toolchain or Python for node-gyp';
  const lines = output.trim().split('\n').filter((l) => /ERR!|error|warn/i.test(l));
  return (lines.slice(-2).join(' / ') || output.trim().split('\n').slice(-1)[0] || 'failed').slice(0, 300);
}

/**
 * What a .node file was built for: loading it tells. A build for this Node loads; one for another ABI fails with
 * "compiled against a different Node.js version using NODE_MODULE_VERSION n".
 */
export function probeAbi(file) {
  try {
    process.dlopen({ exports: {} }, file);
    return process.versions.modules;
  } catch (e) {
    return /NODE_MODULE_VERSION (\d+)/.exec(String(e.message))?.[1] ?? null;
  }
}

/** The message when no step worked: what failed, that the Node build is untouched, and the ways out. */
export function failureMessage(t, failures) {
  const hdr = `https://electronjs.org/headers/v${t.version}/node-v${t.version}-headers.tar.gz`;
  return [
    `Could not make better-sqlite3 for ${t.runtime} ${t.version} (NODE_MODULE_VERSION ${t.abi}, ${t.platform}-${t.arch}):`,
    ...failures.map((f) => `  - ${f.kind === 'prebuilt' ? 'prebuilt binary (prebuild-install)' : f.kind === 'source' ? "source build (node-gyp, Electron's headers)" : `source build from ${f.headers}`}: ${f.reason}`),
    `node_modules/better-sqlite3 (the Node ${process.versions.node} build the CLI and tests use) is unchanged.`,
    'To get the Electron build:',
    '  - with network access: npm run native:electron (downloads a prebuilt binary, else Electron headers and compiles)',
    `  - offline: fetch ${hdr} elsewhere, then SYNOOD_ELECTRON_HEADERS=/path/to/node-v${t.version}-headers.tar.gz npm run native:electron`,
    `  - or copy out/native/${cacheKey(t)}/ from a machine where this succeeded`,
  ].join('\n');
}

/**
 * Makes (or finds) the build. Returns { ok: true, file, method } or { ok: false, message }. `run` runs one command
 * (injectable for tests) and returns { status, output }.
 */
export function ensureSqlite(t, opts = {}) {
  const root = opts.root ?? ROOT;
  const log = opts.log ?? ((s) => console.log(s));
  const headers = opts.headers ?? process.env.SYNOOD_ELECTRON_HEADERS;
  const cached = !opts.force && cachedBuild(t, root);
  if (cached) return { ok: true, file: cached.file, method: 'cached' };
  const run =
    opts.run ??
    ((cmd, args, cwd) => {
      const r = spawnSync(cmd, args, { cwd, env: buildEnv(), encoding: 'utf8', maxBuffer: 64 << 20 });
      return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
    });
  const dir = cacheDir(t, root);
  const stage = path.join(root, 'out', 'native', `.stage-${cacheKey(t)}`);
  const pkg = path.join(stage, 'better-sqlite3');
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  // The package without its build/ folder: node_modules itself is never written.
  fs.cpSync(path.join(root, 'node_modules', 'better-sqlite3'), pkg, { recursive: true, filter: (src) => path.relative(path.join(root, 'node_modules', 'better-sqlite3'), src).split(path.sep)[0] !== 'build' });
  const failures = [];
  try {
    for (const step of buildPlan(t, { headers, devdir: path.join(process.env.HOME ?? root, '.electron-gyp'), root })) {
      log(`native: ${step.kind === 'prebuilt' ? 'looking for a prebuilt' : 'compiling'} better-sqlite3 for ${t.runtime} ${t.version} (ABI ${t.abi})...`);
      const r = run(step.cmd, step.args, pkg);
      const built = path.join(pkg, 'build', 'Release', ADDON);
      if (r.status !== 0 || !fs.existsSync(built)) {
        failures.push({ kind: step.kind, headers, reason: explainFailure(r.output) });
        continue;
      }
      const abi = opts.probe ? opts.probe(built) : probeAbi(built);
      if (abi !== t.abi) {
        failures.push({ kind: step.kind, headers, reason: `the result is for NODE_MODULE_VERSION ${abi ?? 'unknown'}, not ${t.abi} (wrong headers?)` });
        continue;
      }
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(built, path.join(dir, ADDON));
      const manifest = { runtime: t.runtime, version: t.version, abi: t.abi, platform: t.platform, arch: t.arch, betterSqlite3: sqliteVersion(root), method: step.kind, builtAt: new Date().toISOString() };
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 1));
      return { ok: true, file: path.join(dir, ADDON), method: step.kind };
    }
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  return { ok: false, message: failureMessage(t, failures) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  // --runtime node --target <v> --abi <n>: the same steps for a Node target (checks the machinery where Electron's
  // headers cannot be had; the result goes to out/native/node-abi<n>-...).
  const opt = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const t = opt('--runtime') === 'node' ? { runtime: 'node', version: opt('--target') ?? process.versions.node, abi: opt('--abi') ?? process.versions.modules, platform: process.platform, arch: process.arch } : electronTarget();
  if (args.includes('--check')) {
    const c = cachedBuild(t);
    console.log(c ? `native: ${path.relative(ROOT, c.file)} is current (${c.manifest.method}, ${t.runtime} ${t.version}, ABI ${t.abi})` : `native: no current better-sqlite3 build for ${t.runtime} ${t.version} (ABI ${t.abi}) in out/native/${cacheKey(t)}`);
    process.exit(c ? 0 : 1);
  }
  const t0 = performance.now();
  const r = ensureSqlite(t, { force: args.includes('--force') });
  if (!r.ok) {
    console.error(r.message);
    process.exit(1);
  }
  console.log(`native: ${path.relative(ROOT, r.file)} (${r.method}${r.method === 'cached' ? '' : `, ${((performance.now() - t0) / 1000).toFixed(1)} s`})`);
}
