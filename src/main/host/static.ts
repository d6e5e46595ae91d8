import fs from 'node:fs';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export function contentType(file: string): string {
  return TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** Maps a URL path to a file of the renderer build, or undefined. Unknown paths fall back to index.html (client routing). */
export function rendererFile(rendererDir: string, urlPath: string): string | undefined {
  const root = path.resolve(rendererDir);
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath).replace(/^\/+/, '');
  } catch {
    return undefined;
  }
  if (rel.includes('\0')) return undefined;
  const full = path.resolve(root, rel || 'index.html');
  if (full !== root && !full.startsWith(root + path.sep)) return undefined;
  if (fs.existsSync(full) && fs.statSync(full).isFile()) return full;
  // Asset requests that miss are real 404s; page routes get the app shell.
  if (path.extname(rel)) return undefined;
  const index = path.join(root, 'index.html');
  return fs.existsSync(index) ? index : undefined;
}
