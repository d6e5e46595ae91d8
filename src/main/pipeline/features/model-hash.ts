import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';

/**
 * SHA-256 over an ONNX file and, when present, its external-data file (`<file>_data`, Optimum's naming),
 * streamed so a 350 MB ViT-B/16 is not read into memory at once.
 */
export async function sha256OfModelFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for (const p of [path, `${path}_data`]) {
    if (p !== path && !existsSync(p)) continue;
    for await (const chunk of createReadStream(p)) hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
