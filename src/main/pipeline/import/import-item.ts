import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import sharp from 'sharp';
import { linkOrCopyAtomic, writeFileAtomic } from '../../files/atomic';

export const THUMB_SIZE = 160;

export type ImportOutcome =
  | { ok: true; bytes: number; width: number; height: number; sha256: string; storedRel: string; thumbRel: string }
  | { ok: false; bytes: number; reason: string };

/**
 * Reads one source image, fully decodes it (a readable header with a broken body is still corrupt), writes its
 * thumbnail and places the original inside the project. Problems with the file become a reason, not an exception.
 */
export async function importOne(opts: { src: string; rel: string; root: string; projectRoot: string; datasetId: number; seq: number }): Promise<ImportOutcome> {
  const { src, rel, root } = opts;
  const resolved = path.resolve(src);
  if (rel.split('/').includes('..') || !(resolved === root || resolved.startsWith(root + path.sep))) {
    return { ok: false, bytes: 0, reason: `path escapes the dataset root: ${rel}` };
  }
  let buf: Buffer;
  try {
    buf = fs.readFileSync(resolved);
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
  const storedRel = `datasets/${opts.datasetId}/${rel}`;
  const thumbRel = `thumbs/datasets/${opts.datasetId}/${opts.seq}.jpg`;
  linkOrCopyAtomic(resolved, path.join(opts.projectRoot, storedRel));
  writeFileAtomic(path.join(opts.projectRoot, thumbRel), thumb);
  return { ok: true, bytes: buf.length, width, height, sha256, storedRel, thumbRel };
}
