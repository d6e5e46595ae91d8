import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A clone of this repository must be complete on its own: no file may send the reader (or the code) to a
 * document, tool or hook that lives beside the repository on the machine it was written on, nor to an absolute
 * path of that machine. The method is described in docs/METHOD.md; cite that.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const self = path.relative(root, fileURLToPath(import.meta.url)).split(path.sep).join('/');

/** What points outside the repository. `src/shared` imports ('../../shared/api') are inside it and do not match. */
const OUTSIDE: readonly { name: string; re: RegExp }[] = [
  { name: 'sibling shared/docs, shared/tools or shared/hooks', re: /\.\.\/shared\/(?:docs|tools|hooks)(?![\w-])/ },
  { name: 'the out-of-repo method spec (cite docs/METHOD.md)', re: /SYNOOD\.[m]d/ },
  // An absolute path: '/work/' not preceded by a name character, '.', '~' or '-' (so 'a/work/', './work/' and
  // 'homework/' are fine). 'file:///work/…' still matches.
  { name: 'absolute path under /work/', re: /(?<![\w.~-])\/work\// },
];

const SKIP_FILES = new Set(['package-lock.json', self]);
const BINARY_EXT = /\.(?:f32|f16|bin|onnx|pb|png|jpe?g|gif|webp|ico|icns|bmp|tiff?|pdf|zip|gz|tgz|xz|zst|tar|7z|woff2?|ttf|otf|eot|node|so|dylib|dll|exe|wasm|sqlite3?|db|npy|npz|pt|pth|safetensors)$/i;
/** What `git ls-files` would not list: build outputs and the ignored folders of .gitignore. */
const WALK_SKIP_DIRS = new Set(['.git', 'node_modules', 'out', 'dist', '.gpu', 'coverage', 'test-results', '.synood-tmp']);

/**
 * Tracked files plus untracked ones that are not ignored (they are tracked once committed), relative to the
 * repository root with '/' separators; without git (or outside a work tree), every file of the tree but the
 * ignored folders.
 */
function repositoryFiles(): { files: string[]; source: 'git' | 'walk' } {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
    const files = [...new Set(out.split('\0').filter((f) => f !== ''))];
    if (files.length > 0) return { files, source: 'git' };
  } catch {
    // git missing, or not a work tree: walk the folder instead.
  }
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir === '' ? e.name : `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (!WALK_SKIP_DIRS.has(e.name)) walk(rel);
      } else if (e.isFile()) {
        files.push(rel);
      }
    }
  };
  walk('');
  return { files, source: 'walk' };
}

/** Git's own heuristic: a NUL byte in the first 8000 bytes means binary. */
function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8000).includes(0);
}

interface OutsideReference {
  file: string;
  line: number;
  what: string;
  text: string;
}

function findOutsideReferences(file: string, content: string): OutsideReference[] {
  const found: OutsideReference[] = [];
  content.split(/\r?\n/).forEach((text, i) => {
    for (const { name, re } of OUTSIDE) {
      if (re.test(text)) found.push({ file, line: i + 1, what: name, text: text.trim().slice(0, 160) });
    }
  });
  return found;
}

describe('no file points outside the repository', () => {
  it('the matcher flags outside references and leaves in-repo ones alone', () => {
    const flagged = (s: string) => findOutsideReferences('x', s).map((r) => r.what);
    expect(flagged("import { Api } from '../../shared/api';")).toEqual([]);
    expect(flagged("import type { Guidance } from '../shared/guidance';")).toEqual([]);
    expect(flagged('see docs/METHOD.md §3')).toEqual([]);
    expect(flagged('cd a/work/b && ./work/run && ~/work/x && homework/')).toEqual([]);
    // The samples are assembled from parts, so that this file does not itself hold the strings other scans look for.
    const sibling = (dir: string) => ['..', 'shared', dir].join('/');
    const spec = ['SYNOOD', 'md'].join('.');
    expect(flagged(`(see \`${sibling('docs')}/${spec}\` for the method)`)).toHaveLength(2);
    expect(flagged(`node ${sibling('tools')}/x.mjs`)).toEqual([OUTSIDE[0]!.name]);
    expect(flagged(`cp ../${sibling('hooks')}/pre-commit .git/hooks/`)).toEqual([OUTSIDE[0]!.name]);
    expect(flagged(`// ${spec} §4`)).toEqual([OUTSIDE[1]!.name]);
    expect(flagged("const p = '/work/main/out';")).toEqual([OUTSIDE[2]!.name]);
    expect(flagged('open file:///work/shared/x')).toEqual([OUTSIDE[2]!.name]);
  });

  it('no tracked text file cites a sibling folder, the out-of-repo spec, or a /work/ path', () => {
    const { files, source } = repositoryFiles();
    expect(files.length, `no files found (${source})`).toBeGreaterThan(0);
    const found: OutsideReference[] = [];
    for (const file of files.sort()) {
      if (SKIP_FILES.has(file) || path.posix.basename(file) === 'package-lock.json' || BINARY_EXT.test(file)) continue;
      const abs = path.join(root, file);
      let buf: Buffer;
      try {
        if (!fs.statSync(abs).isFile()) continue; // a submodule or a file deleted in the work tree
        buf = fs.readFileSync(abs);
      } catch {
        continue;
      }
      if (isBinary(buf)) continue;
      found.push(...findOutsideReferences(file, buf.toString('utf8')));
    }
    const report = found.map((r) => `${r.file}:${r.line}: ${r.what}: ${r.text}`).join('\n');
    const fileCount = new Set(found.map((r) => r.file)).size;
    expect(found, `${found.length} outside reference(s) in ${fileCount} file(s):\n${report}`).toEqual([]);
  });
});
