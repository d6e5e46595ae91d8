import type { Studio } from '../main/root';
import type { Job } from '../shared/api/jobs';
import { note, printResult } from './output';
import { withStudio, type Call } from './studio-call';
import { settleJob, waitForJob } from './wait-job';

export interface JobCommand<S extends { jobId: number }, R> {
  project: string;
  json: boolean;
  wait: boolean;
  /** Progress bar label. */
  label: string;
  /** Queues the job through its route. */
  start: (call: Call, studio: Studio) => Promise<S>;
  /** What to report once the job completed (read back through routes). */
  result: (call: Call, started: S, job: Job) => Promise<R>;
  human: (result: R, started: S, job: Job) => string;
}

/**
 * The shape every job-queuing command shares: start it, then either print the queued id (--no-wait) or wait with
 * progress, report the result, and map how the job ended to the exit code.
 */
export async function runJobCommand<S extends { jobId: number }, R>(c: JobCommand<S, R>): Promise<void> {
  await withStudio(c.project, async (call, studio) => {
    const started = await c.start(call, studio);
    if (!c.wait) {
      const job = await call('job.get', { id: started.jobId });
      printResult({ ...started, job }, c.json, () => `queued job #${job.id}: ${job.title}\nit runs when the project is next open in the studio, or with: synood jobs wait ${job.id} -p ${c.project}`);
      return;
    }
    if (!c.json) note(`job #${started.jobId} queued`);
    const job = await waitForJob(call, studio, started.jobId, c.label);
    await settleJobOrThrow(call, job, async () => {
      const result = await c.result(call, started, job);
      printResult({ ...started, job, result }, c.json, () => c.human(result, started, job));
    });
  }, { runJobs: c.wait });
}

/** Failed/cancelled jobs throw before any result; partial ones print the result, then their failures. */
async function settleJobOrThrow(call: Call, job: Job, report: () => Promise<void>): Promise<void> {
  if (job.state.status !== 'completed') return settleJob(call, job);
  await report();
  await settleJob(call, job);
}
