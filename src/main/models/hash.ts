import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';

export interface FileHash {
  /** Relative to the model folder, with forward slashes. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface HashProgress {
  file: string;
  /** Bytes hashed so far over all files. */
  bytesDone: number;
  bytesTotal: number;
}

export interface HashOptions {
  onProgress?: (p: HashProgress) => void;
  signal?: AbortSignal;
}

/** Streams the files through SHA-256 one after the other (a 5 GB UNet is never held in memory). */
export async function hashFiles(root: string, files: string[], opts: HashOptions = {}): Promise<FileHash[]> {
  const sizes = files.map((f) => statSync(join(root, f)).size);
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  let bytesDone = 0;
  const out: FileHash[] = [];
  for (const [i, file] of files.entries()) {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(join(root, file), { signal: opts.signal })) {
      hash.update(chunk as Buffer);
      bytesDone += (chunk as Buffer).length;
      opts.onProgress?.({ file, bytesDone, bytesTotal });
    }
    out.push({ path: file, bytes: sizes[i]!, sha256: hash.digest('hex') });
  }
  return out;
}

/**
 * One hash for the whole model: SHA-256 of its `sha256sum`-style manifest ("<hash>  <path>\n" per file,
 * sorted by path). It changes when any file's content or name changes, never with the folder's location.
 */
export function combinedModelHash(files: FileHash[]): string {
  const manifest = [...files]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.path}\n`)
    .join('');
  return createHash('sha256').update(manifest).digest('hex');
}
