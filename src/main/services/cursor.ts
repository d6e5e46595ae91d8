import { ApiError } from '../../shared/api/errors';

/** Keyset cursor: the last row's (sort value, id), opaque to the renderer. */
export interface Cursor {
  v: number | null;
  id: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.v, c.id])).toString('base64url');
}

export function decodeCursor(s: string): Cursor {
  try {
    const [v, id] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as [unknown, unknown];
    if ((v === null || typeof v === 'number') && typeof id === 'number' && Number.isInteger(id)) return { v, id };
  } catch {
    // fall through to the typed error
  }
  throw new ApiError('invalid_input', 'malformed page cursor', [{ path: 'after', message: 'not a cursor from a previous page' }]);
}
