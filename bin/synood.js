#!/usr/bin/env node
'use strict';
// The `synood` command. It runs the esbuild bundle out/cli/index.js (scripts/build-cli.mjs: `npm run build:cli`, and
// `prepare`, which `npm ci` runs) when the bundle is there and every source file it was built from is unchanged;
// otherwise it runs the TypeScript sources through tsx, as before (about 0.3 s more per start).
// SYNOOD_CLI=source forces tsx; SYNOOD_CLI=bundle uses the bundle without the freshness check.
// SYNOOD_CLI_DEBUG=1 says on stderr which one runs and why.
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const outDir = path.join(root, 'out', 'cli');
const bundle = path.join(outDir, 'index.js');
const mode = process.env.SYNOOD_CLI;

/** The bundle's build stamp when it can run, else why not (a string). */
function usableBundle() {
  if (mode === 'source') return 'SYNOOD_CLI=source';
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(outDir, 'build-stamp.json'), 'utf8'));
  } catch {
    return 'no bundle; npm run build:cli makes one';
  }
  if (!fs.existsSync(bundle)) return 'no bundle; npm run build:cli makes one';
  if (mode === 'bundle') return stamp;
  // One stat per source file (about 350, a few ms): a source edited since the build makes the bundle stale.
  for (const [rel, mtimeMs] of Object.entries(stamp.inputs || {})) {
    const st = fs.statSync(path.join(root, rel), { throwIfNoEntry: false });
    if (!st || st.mtimeMs !== mtimeMs) return `stale bundle: ${rel} changed since it was built; npm run build:cli rebuilds it`;
  }
  return stamp;
}

/**
 * Loads the bundle with V8's code cache: compiling 1.2 MB of JavaScript would be a fifth of the start. The cache is
 * written (atomically) by the first run after a build, with the functions that run compiled in; a cache made for
 * another build, Node or V8 is ignored and replaced.
 */
function runBundle(stamp) {
  // Under --enable-source-maps a plain require, so that stack traces map to the TypeScript sources.
  if (process.sourceMapsEnabled) return void require(bundle);
  const Module = require('node:module');
  const vm = require('node:vm');
  // latin1 where the build found only ASCII: the same string, without UTF-8 decoding.
  const source = fs.readFileSync(bundle, stamp.ascii ? 'latin1' : 'utf8');
  const cacheFile = path.join(outDir, `index.js.${stamp.id}.${process.versions.v8}.cache`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = Module._nodeModulePaths(outDir);
  const req = Module.createRequire(bundle);
  if (!cachedData || script.cachedDataRejected) {
    // After the command's own synchronous start (option parsing, help output), so the functions it ran are in the cache.
    process.once('exit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, script.createCachedData());
        fs.renameSync(tmp, cacheFile);
      } catch {
        // A read-only install simply runs without the cache.
      }
    });
  }
  script.runInThisContext().call(mod.exports, mod.exports, req, mod, bundle, outDir);
}

const stamp = usableBundle();
if (process.env.SYNOOD_CLI_DEBUG) process.stderr.write(`synood: ${typeof stamp === 'string' ? `TypeScript sources through tsx (${stamp})` : 'bundle out/cli/index.js'}\n`);
if (typeof stamp === 'string') {
  require('tsx/cjs/api').register();
  require('../src/cli/index.ts');
} else {
  runBundle(stamp);
}
