import path from 'node:path';
import type { JobItem } from '../../shared/api/routes/jobs';
import type { Db } from '../store/db';
import { parseRecord } from './json';
import { imagePath } from '../store/images';

interface ItemRow {
  seq: number;
  key: string;
  status: string;
  error: string | null;
  payload_json: string;
  finished_at: number | null;
  prev_finished: number | null;
}

/**
 * A job's items for people: an item that names an image (generate, describe) is described by the image's file name
 * and its seed instead of its key ("20:0"); each with its finish time and, since a job's items run one after
 * another, its start (the previous item's finish, or the job's start for the first) and duration.
 */
export function jobItems(db: Db, jobId: number, status: 'failed' | 'done' | 'pending' | 'all', limit: number): JobItem[] {
  const jobStart = db.prepare('SELECT started_at FROM jobs WHERE id = ?').pluck().get(jobId) as number | null | undefined;
  const rows = db
    .prepare(
      `WITH t AS (
         SELECT seq, LAG(finished_at) OVER (ORDER BY finished_at, seq) AS prev_finished
         FROM job_items WHERE job_id = @jobId AND finished_at IS NOT NULL
       )
       SELECT i.seq, i.key, i.status, i.error, i.payload_json, i.finished_at, t.prev_finished
       FROM job_items i LEFT JOIN t ON t.seq = i.seq
       WHERE i.job_id = @jobId ${status === 'all' ? '' : 'AND i.status = @status'}
       ORDER BY i.seq LIMIT @limit`,
    )
    .all({ jobId, limit, ...(status === 'all' ? {} : { status }) }) as ItemRow[];
  return rows.map((r) => {
    const payload = parseRecord(r.payload_json);
    let label = r.key;
    if (typeof payload.imageId === 'number') {
      const file = imagePath(db, payload.imageId);
      label = file ? path.posix.basename(file) : `image ${payload.imageId} (removed)`;
      if (typeof payload.seed === 'number') label += ` · seed ${payload.seed}`;
    }
    const startedAt = r.finished_at === null ? null : Math.max(r.prev_finished ?? jobStart ?? r.finished_at, jobStart ?? 0);
    return {
      seq: r.seq,
      key: r.key,
      label,
      status: r.status,
      error: r.error,
      startedAt,
      finishedAt: r.finished_at,
      durationMs: r.finished_at === null || startedAt === null ? null : r.finished_at - startedAt,
    };
  });
}
