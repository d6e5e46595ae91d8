import path from 'node:path';
import type { JobItem } from '../../shared/api/routes/jobs';
import type { Db } from '../store/db';
import { imagePath } from '../store/images';
import { jobItemTimeline } from '../store/job-items';

/**
 * A job's items for people: an item that names an image (generate, describe) is described by the image's file name
 * and its seed instead of its key ("20:0"); each with its finish time and, since a job's items run one after
 * another, its start (the previous item's finish, or the job's start for the first) and duration.
 */
export function jobItems(db: Db, jobId: number, status: 'failed' | 'done' | 'pending' | 'all', limit: number): JobItem[] {
  const { jobStart, rows } = jobItemTimeline(db, jobId, status, limit);
  return rows.map((r) => {
    const payload = r.payload;
    let label = r.key;
    if (payload && typeof payload === 'object' && 'imageId' in payload && typeof payload.imageId === 'number') {
      const file = imagePath(db, payload.imageId);
      label = file ? path.posix.basename(file) : `image ${payload.imageId} (removed)`;
      if ('seed' in payload && typeof payload.seed === 'number') label += ` · seed ${payload.seed}`;
    }
    const startedAt = r.finishedAt === null ? null : Math.max(r.prevFinished ?? jobStart ?? r.finishedAt, jobStart ?? 0);
    return {
      seq: r.seq,
      key: r.key,
      label,
      status: r.status,
      error: r.error,
      startedAt,
      finishedAt: r.finishedAt,
      durationMs: r.finishedAt === null || startedAt === null ? null : r.finishedAt - startedAt,
    };
  });
}
