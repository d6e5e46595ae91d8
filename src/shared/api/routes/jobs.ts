import { z } from 'zod';
import { BIG_OUTPUT, route } from '../route';
import { Job } from '../jobs';

const JobId = z.object({ id: z.number().int() }).strict();

export const JobItem = z.object({
  seq: z.number().int(),
  key: z.string(),
  /** The item for people: the image's file name and seed rather than "20:0". */
  label: z.string(),
  status: z.string(),
  error: z.string().nullable(),
  /** When work on it began: the previous item's finish (items run one after another) or the job's start. */
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  durationMs: z.number().nullable(),
});
export type JobItem = z.infer<typeof JobItem>;

export const jobRoutes = {
  'job.list': route(z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict(), z.array(Job), 'Recent jobs, newest first'),
  'job.get': route(JobId, Job, 'One job'),
  'job.cancel': route(JobId, Job, 'Cancel a job; finished items stay'),
  'job.pause': route(JobId, Job, 'Pause a running or queued job after its current item'),
  'job.resume': route(JobId, Job, 'Resume a paused job'),
  'job.retry': route(JobId, Job, 'Re-queue a job\'s failed items'),
  'job.items': route(
    z.object({ id: z.number().int(), status: z.enum(['failed', 'done', 'pending', 'all']).default('failed'), limit: z.number().int().min(1).max(500).default(100) }).strict(),
    z.array(JobItem),
    'A job\'s items, e.g. the failed ones with their reasons, each described for people with its times',
    BIG_OUTPUT,
  ),
} as const;
