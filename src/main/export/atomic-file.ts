import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { ExportDiskFullError, ExportTargetExistsError, isDiskFull } from './errors';

/** Refuses an existing file unless `force`: exports never overwrite by surprise. */
export function checkFileTarget(file: string, force: boolean): void {
  if (!force && fs.existsSync(file)) throw new ExportTargetExistsError(file, 'file');
}

/** A temporary name beside `file`, so the final rename stays on one filesystem (and so is atomic). */
export function tempBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.partial`);
}

/**
 * Produces `file` through a temporary sibling: `write(tmp)` fills it, a rename publishes it. Whatever fails, the
 * temporary is removed and the previous `file` (if any) is untouched; a full disk says which file it was writing.
 */
export async function publishFile(file: string, force: boolean, write: (tmp: string) => void | Promise<void>): Promise<void> {
  checkFileTarget(file, force);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = tempBeside(file);
  try {
    await write(tmp);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    if (isDiskFull(err)) throw new ExportDiskFullError(file);
    throw err;
  }
}

export function writeExportFile(file: string, data: string | Uint8Array, force: boolean): Promise<void> {
  return publishFile(file, force, (tmp) => fs.writeFileSync(tmp, data));
}
