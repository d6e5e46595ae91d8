import { useState } from 'react';
import type { Job } from '../../../shared/api';
import { useApiEvents, useLive } from './context';

/** Recent jobs, kept current: state changes reload the list, progress events patch the matching row in place. */
export function useJobs(limit: number): Job[] | undefined {
  const jobs = useLive((a) => a.call('job.list', { limit }), ['datasets', 'candidates', 'runs'], [limit]);
  const [progress, setProgress] = useState<Record<number, Job['progress']>>({});
  useApiEvents((e) => {
    if (e.type === 'job.progress') setProgress((m) => ({ ...m, [e.jobId]: e.progress }));
    if (e.type === 'job.state') jobs.reload();
  });
  return jobs.data?.map((j) => (j.state.status === 'running' && progress[j.id] ? { ...j, progress: progress[j.id]! } : j));
}
