import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import sharp from 'sharp';
import { linkOrCopyAtomic, writeFileAtomic } from '../../files/atomic';
import { findRawPath } from './scan';

export const THUMB_SIZE = 160;

export type ImportOutcome =
  | { ok: true; bytes: number; width: number; height: number; sha256: string; storedRel: string; thumbRel: string }
  | { ok: false; bytes: number; reason: string };

/** Where an imported file lives inside the project, relative to its root. */
export function storedRelFor(datasetId: number, rel: string): string {
  return `datasets/${datasetId}/${rel}`;
}

function lexists(p: string | Buffer): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** `real` is `rootReal` or inside it (compared as bytes: names need not be valid UTF-8). */
function insideRoot(rootReal: Buffer, real: Buffer): boolean {
  if (real.equals(rootReal)) return true;
  return real.length > rootReal.length && real[rootReal.length] === path.sep.charCodeAt(0) && real.subarray(0, rootReal.length).equals(rootReal);
}

/**
 * The real file behind a source entry: symbolic links (of the file or of a folder on its way) are resolved, and
 * followed only when they land inside the import root; a regular file is required (a FIFO would block the read).
 * A name that is not valid UTF-8 arrives as the text scan made of it, and is found again by its bytes (and resolved
 * with realpath.native: the JS realpath turns a Buffer path into text, losing exactly those bytes).
 */
function locateSource(resolved: string, root: string, rel: string): { ok: true; real: Buffer } | { ok: false; reason: string } {
  let p: string | Buffer = resolved;
  if (!lexists(resolved)) p = findRawPath(root, rel) ?? resolved;
  let real: Buffer;
  try {
    real = fs.realpathSync.native(p, { encoding: 'buffer' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    let link: fs.Stats | undefined;
    try {
      link = fs.lstatSync(p);
    } catch {
      // nothing there at all
    }
    if (code === 'ELOOP') return { ok: false, reason: `symbolic link loop: ${rel} never resolves to a file` };
    if (link?.isSymbolicLink()) return { ok: false, reason: `broken symbolic link: ${rel} points to ${fs.readlinkSync(p, 'utf8')}, which does not exist` };
    return { ok: false, reason: `unreadable: ${code ?? (e as Error).message}` };
  }
  let rootReal: Buffer;
  try {
    rootReal = fs.realpathSync.native(root, { encoding: 'buffer' });
  } catch (e) {
    return { ok: false, reason: `unreadable: the import root ${root} is gone (${(e as NodeJS.ErrnoException).code})` };
  }
  if (!insideRoot(rootReal, real)) {
    return { ok: false, reason: `symbolic link not followed: ${rel} resolves to ${real.toString()}, outside the import root ${root}` };
  }
  const st = fs.statSync(real);
  if (!st.isFile()) return { ok: false, reason: `not a regular file: ${rel}${st.isDirectory() ? ' is a folder' : ''}` };
  return { ok: true, real };
}

/**
 * Reads one source image, fully decodes it (a readable header with a broken body is still corrupt), writes its
 * thumbnail and places the original inside the project. Problems with the file become a reason, not an exception.
 * Nothing is written for a skipped file; what is placed is always a regular file (a hard link or a copy of the
 * link's target), never a symbolic link.
 */
export async function importOne(opts: { src: string; rel: string; root: string; projectRoot: string; datasetId: number; seq: number }): Promise<ImportOutcome> {
  const { src, rel, root } = opts;
  const resolved = path.resolve(src);
  if (rel.split('/').includes('..') || !(resolved === root || resolved.startsWith(root + path.sep))) {
    return { ok: false, bytes: 0, reason: `path escapes the dataset root: ${rel}` };
  }
  const located = locateSource(resolved, root, rel);
  if (!located.ok) return { ok: false, bytes: 0, reason: located.reason };
  const source = located.real;
  let buf: Buffer;
  try {
    buf = fs.readFileSync(source);
  } catch (e) {
    return { ok: false, bytes: 0, reason: `unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  if (buf.length === 0) return { ok: false, bytes: 0, reason: 'empty file' };
  let width: number;
  let height: number;
  let thumb: Buffer;
  try {
    const img = sharp(buf, { failOn: 'error' });
    const meta = await img.metadata();
    if (!meta.width || !meta.height) return { ok: false, bytes: buf.length, reason: 'no image dimensions' };
    width = meta.width;
    height = meta.height;
    thumb = await sharp(buf, { failOn: 'error' }).rotate().resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
  } catch (e) {
    return { ok: false, bytes: buf.length, reason: `corrupt image: ${(e as Error).message.split('\n')[0]}` };
  }
  const sha256 = crypto.createHash('sha256').update(buf).digest('hex');
  const storedRel = storedRelFor(opts.datasetId, rel);
  const thumbRel = `thumbs/datasets/${opts.datasetId}/${opts.seq}.jpg`;
  const thumbAbs = path.join(opts.projectRoot, thumbRel);
  writeFileAtomic(thumbAbs, thumb);
  try {
    linkOrCopyAtomic(source, path.join(opts.projectRoot, storedRel));
  } catch (e) {
    // No row will point at the thumbnail: do not leave it behind.
    fs.rmSync(thumbAbs, { force: true });
    throw e;
  }
  return { ok: true, bytes: buf.length, width, height, sha256, storedRel, thumbRel };
}
