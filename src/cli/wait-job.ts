import type { Studio } from '../main/root';
import type { Job, JobState } from '../shared/api/jobs';
import { JobStore } from '../main/store/jobs';
import { describeLease } from '../main/jobs/lease';
import { CliError, EXIT, note, progressLine, rateText } from './output';
import type { Call } from './studio-call';

const STOPPED = ['completed', 'failed', 'cancelled', 'paused'];

/**
 * Waits for a job to stop, drawing its progress on a terminal. Events drive the bar; a slow poll covers a state
 * change made elsewhere (the studio pausing it) and a job that finished before we subscribed. Ctrl-C stops
 * waiting; the job itself stays in the project and resumes the next time the project is opened.
 */
export async function waitForJob(call: Call, studio: Studio, jobId: number, label: string): Promise<Job> {
  const first = await call('job.get', { id: jobId });
  if (STOPPED.includes(first.state.status)) return first;
  return new Promise<Job>((resolve, reject) => {
    let settled = false;
    let toldOwner: string | null = null;
    /** A failure the supervisor reported but could not write (the disk is full for it too): the job stays resumable. */
    let reportedFailure: JobState | null = null;
    const finish = (done: () => void) => {
      if (settled) return;
      settled = true;
      off();
      clearInterval(timer);
      process.off('SIGINT', onInterrupt);
      done();
    };
    const check = () =>
      call('job.get', { id: jobId }).then(
        (job: Job) => {
          if (STOPPED.includes(job.state.status)) finish(() => resolve(job));
          else if (reportedFailure) finish(() => resolve({ ...job, state: reportedFailure! }));
          else tellOwner();
        },
        (err: unknown) => finish(() => reject(err)),
      );
    // Another job process (the studio, another command) may hold the job: this one waits for it, and says so once
    // per owner, instead of running the job a second time.
    const tellOwner = () => {
      const db = studio.project?.db;
      const lease = db ? new JobStore(db).lease(jobId) : null;
      if (!lease || lease.pid === studio.jobProcessPid || lease.id === toldOwner) return;
      toldOwner = lease.id;
      note(`job #${jobId} is being run by ${describeLease(lease)}; waiting for it to finish`);
    };
    const off = studio.onEvent((e) => {
      if (e.type === 'data.changed' || e.jobId !== jobId) return;
      if (e.type === 'job.progress') progressLine(label, e.progress.done + e.progress.failed, e.progress.total, rateText(e.progress.itemsPerSec, e.progress.etaSec));
      else if (STOPPED.includes(e.state.status)) {
        if (e.state.status === 'failed') reportedFailure = e.state;
        void check();
      }
    });
    tellOwner();
    const timer = setInterval(() => void check(), 1000);
    const onInterrupt = () =>
      finish(() => reject(new CliError(`interrupted: job #${jobId} stays in the project and resumes the next time it is opened (synood jobs wait ${jobId})`, EXIT.interrupted)));
    process.once('SIGINT', onInterrupt);
  });
}

/**
 * Turns how a job ended into the command's outcome: a failed, cancelled or paused job is an error; a completed
 * job with failed items prints their reasons and leaves exit code 6 for after the result is printed.
 */
export async function settleJob(call: Call, job: Job): Promise<void> {
  const s = job.state;
  if (s.status === 'failed') throw new CliError(`job #${job.id} failed: ${s.error}`, EXIT.failure);
  if (s.status === 'cancelled') throw new CliError(`job #${job.id} was cancelled (finished items are kept)`, EXIT.failure);
  if (s.status === 'paused') throw new CliError(`job #${job.id} was paused; resume it with: synood jobs resume ${job.id}`, EXIT.failure);
  if (job.progress.failed > 0) {
    const items = await call('job.items', { id: job.id, status: 'failed', limit: 5 });
    note(`${job.progress.failed} of ${job.progress.total} items failed${job.progress.failed > items.length ? ` (first ${items.length})` : ''}:`);
    for (const it of items) note(`  ${it.key}: ${it.error ?? 'no reason recorded'}`);
    note(`retry them with: synood jobs retry ${job.id}`);
    process.exitCode = EXIT.partial;
  }
}
