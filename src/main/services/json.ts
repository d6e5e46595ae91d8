/** Parses a JSON column written by another part of the studio; a damaged value reads as the fallback, not a crash. */
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (text === null || text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export function parseRecord(text: string | null | undefined): Record<string, unknown> {
  const v = parseJson<unknown>(text, {});
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
