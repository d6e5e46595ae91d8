import fs from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../../shared/api/errors';
import type { DatasetSource } from '../../../shared/api/routes/datasets';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp', '.gif', '.tif', '.tiff', '.avif']);

export interface ScannedFile {
  /** Absolute source path. */
  src: string;
  /** Path relative to the dataset root, '/'-separated: the key inside the dataset. */
  rel: string;
  className: string | null;
}

function walk(dir: string, out: string[]): void {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if (e.isFile() && IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push(full);
  }
}

function requireDir(p: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new ApiError('not_found', `source folder ${p} does not exist`);
  }
  if (!st.isDirectory()) throw new ApiError('invalid_input', `source ${p} is not a folder`);
}

function toRel(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** Lists what a dataset source holds, in a stable order. Unsupported files are left out; unreadable ones are kept and skipped later with a reason. */
export function scanSource(source: DatasetSource): { root: string; files: ScannedFile[]; classes: string[] } {
  if (source.type === 'folder') {
    const root = path.resolve(source.path);
    requireDir(root);
    const all: string[] = [];
    walk(root, all);
    const files = all.map((src) => {
      const rel = toRel(root, src);
      const className = source.layout === 'imagefolder' ? (rel.includes('/') ? rel.split('/')[0]! : null) : null;
      return { src, rel, className };
    });
    const imagefolderFiles = source.layout === 'imagefolder' ? files.filter((f) => f.className !== null) : files;
    const classes = [...new Set(imagefolderFiles.map((f) => f.className).filter((c): c is string => c !== null))].sort();
    return { root, files: imagefolderFiles, classes };
  }
  const listFile = path.resolve(source.path);
  let text: string;
  try {
    text = fs.readFileSync(listFile, 'utf8');
  } catch {
    throw new ApiError('not_found', `list file ${listFile} cannot be read`);
  }
  const root = path.resolve(source.root ?? path.dirname(listFile));
  requireDir(root);
  const files: ScannedFile[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const t = line.trim();
    if (!t || t.startsWith('#')) return;
    const m = /^(\S+)(?:\s+(.+))?$/.exec(t);
    if (!m) throw new ApiError('invalid_input', `${listFile} line ${i + 1}: expected 'path [label]'`);
    const rel = m[1]!.replace(/^\.\//, '');
    // Keep a path that escapes the root in the list so it is recorded as skipped, with the reason, not silently dropped.
    files.push({ src: path.resolve(root, rel), rel, className: m[2]?.trim() ?? null });
  });
  const classes = [...new Set(files.map((f) => f.className).filter((c): c is string => c !== null))].sort();
  return { root, files, classes };
}
