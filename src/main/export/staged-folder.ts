import fs from 'node:fs';
import path from 'node:path';
import { ExportDiskFullError, ExportTargetExistsError, isDiskFull } from './errors';

/** Refuses a non-empty folder (or a file in the way) unless `force`. */
export function checkFolderTarget(dir: string, force: boolean): void {
  if (!fs.existsSync(dir)) return;
  if (!fs.statSync(dir).isDirectory()) {
    if (!force) throw new ExportTargetExistsError(dir, 'file');
    return;
  }
  if (!force && fs.readdirSync(dir).length > 0) throw new ExportTargetExistsError(dir, 'folder');
}

/**
 * Tracks the file being written so a full disk can be reported against it: `write` runs each write through
 * `track`, which converts ENOSPC into ExportDiskFullError naming the final path the user will look for.
 */
export interface StagingFolder {
  dir: string;
  /** Runs one write of `finalRel` (a path relative to the export folder). */
  track<T>(finalRel: string, write: () => T): T;
}

/**
 * Builds a folder export in a staging sibling and swaps it into place only once complete. A failure (full disk
 * included) removes the staging folder and leaves whatever was at `outDir` exactly as it was; with `force` an
 * existing folder is replaced only after the new one is fully written.
 */
export async function publishFolder(outDir: string, force: boolean, fill: (staging: StagingFolder) => Promise<void>): Promise<void> {
  const out = path.resolve(outDir);
  checkFolderTarget(out, force);
  const parent = path.dirname(out);
  const staging = path.join(parent, `.${path.basename(out)}.${process.pid}.exporting`);
  const track = <T>(finalRel: string, write: () => T): T => {
    try {
      return write();
    } catch (err) {
      if (isDiskFull(err)) throw new ExportDiskFullError(path.join(out, finalRel));
      throw err;
    }
  };
  try {
    fs.mkdirSync(parent, { recursive: true });
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging);
    await fill({ dir: staging, track });
    swapIn(staging, out);
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (isDiskFull(err)) throw new ExportDiskFullError(out);
    throw err;
  }
}

/** Renames the finished staging folder onto `out`, moving any previous content aside first and deleting it last. */
function swapIn(staging: string, out: string): void {
  if (!fs.existsSync(out)) {
    fs.renameSync(staging, out);
    return;
  }
  if (fs.statSync(out).isDirectory() && fs.readdirSync(out).length === 0) {
    fs.rmdirSync(out);
    fs.renameSync(staging, out);
    return;
  }
  const old = `${staging}.old`;
  fs.renameSync(out, old);
  try {
    fs.renameSync(staging, out);
  } catch (err) {
    fs.renameSync(old, out);
    throw err;
  }
  fs.rmSync(old, { recursive: true, force: true });
}
