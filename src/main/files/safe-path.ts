import fs from 'node:fs';
import path from 'node:path';

export class UnsafePathError extends Error {
  constructor(
    readonly requested: string,
    reason: string,
    /** True when the path is acceptable but nothing is there: a server answers 404, not 403. */
    readonly missing = false,
  ) {
    super(`refused path '${requested}': ${reason}`);
    this.name = 'UnsafePathError';
  }
}

/**
 * Resolves a project-relative path for serving, refusing anything that could leave the allowed folders:
 * absolute paths, `..` segments (also percent-encoded, double-encoded or with backslashes), NUL bytes, folders
 * outside `allowed`, and symlinks whose target lies outside the project.
 * `requested` is the raw, still URL-encoded path as it arrived.
 */
export function resolveServablePath(root: string, allowed: readonly string[], requested: string): string {
  let decoded = requested;
  // Decode until stable, so %252e%252e cannot sneak a '..' past a single decode.
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      throw new UnsafePathError(requested, 'malformed percent-encoding');
    }
    if (next === decoded) break;
    decoded = next;
  }
  if (decoded.includes('%')) throw new UnsafePathError(requested, 'nested percent-encoding');
  if (decoded.includes('\0')) throw new UnsafePathError(requested, 'NUL byte');
  if (decoded.includes('\\')) throw new UnsafePathError(requested, 'backslash');
  if (decoded.startsWith('/') || path.isAbsolute(decoded) || /^[a-zA-Z]:/.test(decoded)) throw new UnsafePathError(requested, 'absolute path');
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..' || s === '.')) throw new UnsafePathError(requested, "'.' or '..' segment");
  if (segments.some((s) => s === '')) throw new UnsafePathError(requested, 'empty segment');
  if (!allowed.includes(segments[0]!)) throw new UnsafePathError(requested, `not under ${allowed.join(', ')}`);

  const rootReal = fs.realpathSync(root);
  const full = path.join(rootReal, ...segments);
  let real: string;
  try {
    real = fs.realpathSync(full);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UnsafePathError(requested, 'no such file', code === 'ENOENT' || code === 'ENOTDIR');
  }
  const allowedReal = allowed.map((a) => {
    try {
      return fs.realpathSync(path.join(rootReal, a));
    } catch {
      return path.join(rootReal, a);
    }
  });
  if (!allowedReal.some((a) => real === a || real.startsWith(a + path.sep))) throw new UnsafePathError(requested, 'resolves outside the project (symlink)');
  if (!fs.statSync(real).isFile()) throw new UnsafePathError(requested, 'not a file');
  return real;
}
