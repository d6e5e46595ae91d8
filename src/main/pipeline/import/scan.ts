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

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A file name as text. Valid UTF-8 is itself; a name that is not (written by another system's locale) keeps its
 * valid parts, and each byte that is not part of a valid sequence becomes U+FFFD followed by the byte in two hex
 * digits: distinct names stay distinct, and `findRawPath` can map the text back to the bytes on disk.
 */
export function nameToText(name: Buffer): string {
  try {
    return fatalUtf8.decode(name);
  } catch {
    let out = '';
    for (let i = 0; i < name.length; ) {
      let len = 1;
      for (; len <= 4 && i + len <= name.length; len++) {
        try {
          out += fatalUtf8.decode(name.subarray(i, i + len));
          break;
        } catch {
          // not a complete sequence yet
        }
      }
      if (len <= 4 && i + len <= name.length) i += len;
      else {
        out += `\uFFFD${name[i]!.toString(16).toUpperCase().padStart(2, '0')}`;
        i++;
      }
    }
    return out;
  }
}

/** The bytes of `root/rel` on disk, where `rel`'s names came from nameToText; undefined when no such entry exists. */
export function findRawPath(root: string, rel: string): Buffer | undefined {
  let dir = Buffer.from(root);
  for (const segment of rel.split('/')) {
    let names: Buffer[];
    try {
      names = fs.readdirSync(dir, { encoding: 'buffer' });
    } catch {
      return undefined;
    }
    const name = names.find((n) => nameToText(n) === segment);
    if (!name) return undefined;
    dir = Buffer.concat([dir, Buffer.from(path.sep), name]);
  }
  return dir;
}

function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());
}

function insideRoot(rootReal: string, real: string): boolean {
  return real === rootReal || real.startsWith(rootReal + path.sep);
}

interface Found {
  rel: string;
  /** A symbolic link to a folder outside the root: listed so that its skip, with the reason, is on record. */
  outsideFolderLink?: boolean;
}

/**
 * Lists image files under `dir` (bytes, so names that are not valid UTF-8 are seen as they are). Symbolic links
 * are followed when they resolve inside the root (a folder link at most once, so a loop cannot recurse forever);
 * links that resolve outside it, or nowhere, are listed anyway so the import records them as skipped, with why.
 */
function walk(rootReal: string, dir: Buffer, prefix: string, out: Found[], visited: Set<string>): void {
  const entries = fs
    .readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })
    .map((e) => ({ e, name: nameToText(e.name) }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { e, name } of entries) {
    if (name.startsWith('.')) continue;
    const full = Buffer.concat([dir, Buffer.from(path.sep), e.name]);
    const rel = prefix + name;
    if (e.isDirectory()) {
      visited.add(fs.realpathSync.native(full, { encoding: 'buffer' }).toString());
      walk(rootReal, full, `${rel}/`, out, visited);
    } else if (e.isFile()) {
      if (isImageName(name)) out.push({ rel });
    } else if (e.isSymbolicLink()) {
      let st: fs.Stats;
      let real: string;
      try {
        st = fs.statSync(full);
        real = fs.realpathSync.native(full, { encoding: 'buffer' }).toString();
      } catch {
        if (isImageName(name)) out.push({ rel }); // dangling (or a loop): skipped later, naming the link
        continue;
      }
      if (st.isDirectory()) {
        if (!insideRoot(rootReal, real)) out.push({ rel, outsideFolderLink: true });
        else if (!visited.has(real)) {
          visited.add(real);
          walk(rootReal, full, `${rel}/`, out, visited);
        }
      } else if (st.isFile() && isImageName(name)) out.push({ rel });
    }
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

/** Lists what a dataset source holds, in a stable order. Unsupported files are left out; unreadable ones are kept and skipped later with a reason. */
export function scanSource(source: DatasetSource): { root: string; files: ScannedFile[]; classes: string[] } {
  if (source.type === 'folder') {
    const root = path.resolve(source.path);
    requireDir(root);
    const found: Found[] = [];
    const rootReal = fs.realpathSync.native(root);
    walk(rootReal, Buffer.from(root), '', found, new Set([rootReal]));
    const files = found.map(({ rel, outsideFolderLink }) => {
      // A top-level folder link in an ImageFolder tree stands for a class folder.
      const className = source.layout === 'imagefolder' ? (rel.includes('/') ? rel.split('/')[0]! : outsideFolderLink ? rel : null) : null;
      return { src: path.join(root, ...rel.split('/')), rel, className };
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
