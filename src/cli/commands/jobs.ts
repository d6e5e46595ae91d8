import type { Command } from 'commander';
import type { Job } from '../../shared/api/jobs';
import type { RouteName } from '../../shared/api/routes';
import { choice, intArg, jsonOption, projectDir, projectOption } from '../options';
import { printResult } from '../output';
import { withStudio } from '../studio-call';
import { textTable } from '../table';
import { settleJob, waitForJob } from '../wait-job';

interface Common {
  project?: string;
  json?: boolean;
}

function jobLine(j: Job): string {
  const err = j.state.status === 'failed' ? ` (${j.state.error})` : '';
  return `#${j.id} ${j.state.status}: ${j.progress.done}/${j.progress.total} done${j.progress.failed ? `, ${j.progress.failed} failed` : ''} ${j.title}${err}`;
}

function jobsTable(jobs: Job[]): string {
  if (jobs.length === 0) return 'no jobs';
  return textTable(
    ['job', 'status', 'done', 'failed', 'total', 'kind', 'title'],
    jobs.map((j) => [`#${j.id}`, j.state.status, j.progress.done, j.progress.failed, j.progress.total, j.kind, j.title]),
  );
}

/** A subcommand acting on one job through its route (cancel, pause, resume, retry). */
function transition(jobs: Command, name: string, route: RouteName, description: string): void {
  jsonOption(projectOption(jobs.command(name).description(description).argument('<id>', 'job id', intArg))).action(async (id: number, o: Common) => {
    await withStudio(projectDir(o), async (call) => {
      const job = (await call(route, { id })) as Job;
      printResult(job, !!o.json, () => jobLine(job));
    });
  });
}

export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('list, wait for, cancel, pause, resume and retry jobs');
  jsonOption(projectOption(jobs.command('list', { isDefault: true }).description('recent jobs, newest first (the default)').option('-n, --limit <n>', 'how many (default 50)', intArg))).action(
    async (o: Common & { limit?: number }) => {
      await withStudio(projectDir(o), async (call) => {
        const list = (await call('job.list', { limit: o.limit ?? 50 })) as Job[];
        printResult(list, !!o.json, () => jobsTable(list));
      });
    },
  );
  jsonOption(projectOption(jobs.command('wait').description('run a queued or interrupted job to its end, with progress').argument('<id>', 'job id', intArg))).action(async (id: number, o: Common) => {
    await withStudio(projectDir(o), async (call, studio) => {
      const job = await waitForJob(call, studio, id, `job #${id}`);
      if (job.state.status === 'completed') printResult(job, !!o.json, () => jobLine(job));
      await settleJob(call, job);
    }, { runJobs: true });
  });
  jsonOption(
    projectOption(
      jobs
        .command('items')
        .description("a job's items with their status and error")
        .argument('<id>', 'job id', intArg)
        .option('--status <s>', 'failed | done | pending | all (default: failed)', choice(['failed', 'done', 'pending', 'all'] as const))
        .option('-n, --limit <n>', 'how many (default 100)', intArg),
    ),
  ).action(async (id: number, o: Common & { status?: string; limit?: number }) => {
    await withStudio(projectDir(o), async (call) => {
      const items = (await call('job.items', { id, status: o.status ?? 'failed', limit: o.limit ?? 100 })) as { seq: number; key: string; status: string; error: string | null }[];
      printResult(items, !!o.json, () => (items.length ? textTable(['seq', 'key', 'status', 'error'], items.map((i) => [i.seq, i.key, i.status, i.error])) : 'no such items'));
    });
  });
  transition(jobs, 'cancel', 'job.cancel', 'cancel a job; finished items stay');
  transition(jobs, 'pause', 'job.pause', 'pause a job after its current item');
  transition(jobs, 'resume', 'job.resume', 'queue a paused job again (follow it with: synood jobs wait <id>)');
  transition(jobs, 'retry', 'job.retry', "queue a job's failed items again (follow it with: synood jobs wait <id>)");
}
