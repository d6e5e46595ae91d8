/** One InD training image as the subset selection needs it. */
export interface ImageRecord {
  id: string;
  classId: string | number;
  bytes: number;
  width: number;
  height: number;
  path: string;
}

export interface RankedImage {
  record: ImageRecord;
  /** File bytes per pixel: a proxy for detail/quality (docs/METHOD.md §1). */
  bytesPerPixel: number;
  /** 0-based rank within its class. */
  rank: number;
}

function compareClassIds(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * docs/METHOD.md §1: per class, rank images by bytes / (width·height) descending and keep the top k.
 * Equal ratios are ordered by path (code-unit order, locale-independent) so the subset is
 * reproducible. Result: classes ascending, each class's images by rank.
 */
export function selectInDSubset(records: ImageRecord[], k = 50): RankedImage[] {
  if (!Number.isInteger(k) || k < 1) throw new Error(`k must be a positive integer, got ${k}`);
  const byClass = new Map<string | number, Array<{ record: ImageRecord; bytesPerPixel: number }>>();
  for (const r of records) {
    if (!(r.width > 0 && r.height > 0) || !(r.bytes >= 0)) {
      throw new Error(`image ${r.id} (${r.path}) has invalid size: ${r.bytes} bytes, ${r.width}×${r.height}`);
    }
    const list = byClass.get(r.classId) ?? [];
    list.push({ record: r, bytesPerPixel: r.bytes / (r.width * r.height) });
    byClass.set(r.classId, list);
  }
  const out: RankedImage[] = [];
  for (const classId of [...byClass.keys()].sort(compareClassIds)) {
    const list = byClass.get(classId)!;
    list.sort((a, b) => b.bytesPerPixel - a.bytesPerPixel || (a.record.path < b.record.path ? -1 : a.record.path > b.record.path ? 1 : 0));
    list.slice(0, k).forEach((x, rank) => out.push({ ...x, rank }));
  }
  return out;
}
