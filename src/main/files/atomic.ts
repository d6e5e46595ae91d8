import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

/** Writes to a temporary name in the same folder, then renames: a reader never sees half a file, a crash leaves none. */
export function writeFileAtomic(file: string, data: Uint8Array | string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOSPC') throw new Error(`disk full while writing ${file}; nothing was recorded for it`);
    throw e;
  }
}

/**
 * Puts a copy of `src` at `dest`: a hard link when both are on one filesystem (free), else a byte copy. Atomic.
 * A symbolic link is resolved first: link(2) does not follow it and would put the link itself at `dest`.
 */
export function linkOrCopyAtomic(src: fs.PathLike, dest: string): void {
  src = fs.realpathSync.native(src, { encoding: 'buffer' });
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    try {
      fs.linkSync(src, tmp);
    } catch {
      fs.copyFileSync(src, tmp);
    }
    fs.renameSync(tmp, dest);
    // rename(2) does nothing when tmp and dest are already links to one file (an item redone after a kill):
    // the temporary name would stay behind.
    fs.rmSync(tmp, { force: true });
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

const TMP_PATTERN = /\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** Removes temporary files that a killed process left behind (their writer is gone, so they can never be renamed). */
export function sweepStaleTemps(dirs: string[]): number {
  let removed = 0;
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const rel of fs.readdirSync(dir, { recursive: true }).map(String)) {
      const m = TMP_PATTERN.exec(rel);
      if (!m || Number(m[1]) === process.pid) continue;
      try {
        process.kill(Number(m[1]), 0);
        continue; // writer still alive
      } catch {
        fs.rmSync(path.join(dir, rel), { force: true });
        removed++;
      }
    }
  }
  return removed;
}
