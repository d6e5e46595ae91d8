import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { JobProcessMessage, type SupervisorMessage } from './messages';
import { openDb } from '../store/db';
import { projectPaths } from '../project/paths';
import { JobStore } from '../store/jobs';
import { LEASE_EXPIRY_MS } from './lease';

/**
 * Finds the job process entry: the bundled JS next to the built main (electron-vite and build-cli both emit
 * `job-process.js` beside the bundle that holds this code), or the TypeScript source, src/main/job-process/index.ts,
 * run through tsx (CLI, tests, browser mode from source).
 */
export function jobProcessEntry(): { file: string; execArgv: string[] } {
  const built = path.join(__dirname, 'job-process.js');
  if (fs.existsSync(built)) return { file: built, execArgv: [] };
  const src = path.resolve(__dirname, '../job-process/index.ts');
  // tsx by absolute URL: a bare `--import tsx` resolves from the working folder, which need not be this repo.
  if (fs.existsSync(src)) return { file: src, execArgv: ['--import', pathToFileURL(createRequire(__filename).resolve('tsx')).href] };
  throw new Error(`job process entry not found next to ${__dirname}`);
}

/** The little a supervisor needs of a child: node's ChildProcess fits, and so does an adapter over Electron's utilityProcess. */
export interface JobProcessHandle {
  readonly pid: number | undefined;
  readonly connected: boolean;
  send(m: SupervisorMessage): void;
  /** Messages arrive unchecked (another build's process may send anything): the supervisor parses them. */
  on(event: 'message', l: (m: unknown) => void): void;
  on(event: 'exit', l: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  once(event: 'exit', l: () => void): void;
  kill(signal?: NodeJS.Signals): void;
}

/**
 * Starts a job process for a project. `homeDir` is the Studio's per-user folder: the job process opens the caches
 * the Studio owns there (the text-feature cache) and passes them down to the jobs.
 */
export type SpawnJobProcess = (projectDir: string, homeDir?: string) => JobProcessHandle;

/**
 * Restarts allowed with no item finished in between, before the supervisor gives up on the job that keeps killing
 * its process. Counted by progress rather than within a time window: on a slow or loaded machine a process that
 * dies while starting could otherwise die fewer times per window than the limit, and be restarted forever.
 */
export const MAX_RESTARTS = 3;

/**
 * Keeps one job process per open project alive while there is work, restarts it if it dies (it resumes from the
 * database), and hands its messages to the studio. A job process that dies more than MAX_RESTARTS times in a row
 * without finishing an item (a full disk, a job that crashes it every time) is not restarted again: the job it was running
 * is marked failed with the last error, so everyone waiting on it (the studio, `synood jobs wait`, the demo) stops
 * instead of waiting forever. Its pending items stay pending: a retry resumes it.
 */
export class JobSupervisor {
  private child: JobProcessHandle | null = null;
  private stopped = false;
  /** Unexpected deaths since an item last finished. */
  private deaths = 0;
  private lastError: string | null = null;
  /** The job the current process last reported on: named when giving up even if the database cannot be read. */
  private lastJobId: number | null = null;

  constructor(
    private readonly projectDir: string,
    private readonly onMessage: (m: JobProcessMessage) => void,
    private readonly spawn: SpawnJobProcess = forkJobProcess,
    private readonly homeDir?: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Ensures a job process is running and looking for work. */
  wake(): void {
    if (this.stopped) return;
    if (this.child && this.child.connected) {
      this.child.send({ type: 'wake' } satisfies SupervisorMessage);
      return;
    }
    const child = this.spawn(this.projectDir, this.homeDir);
    this.child = child;
    const pid = child.pid;
    child.on('message', (raw: unknown) => {
      const parsed = JobProcessMessage.safeParse(raw);
      if (!parsed.success) return; // not a message this version knows: nothing to act on
      const m = parsed.data;
      if (m.type === 'fatal') this.lastError = m.error;
      else {
        if (m.type === 'state' || m.type === 'progress') this.lastJobId = m.jobId;
        if (m.type === 'progress') this.deaths = 0;
        this.onMessage(m);
      }
    });
    child.on('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      if (this.child === child) this.child = null;
      if (this.stopped || (code === 0 && !signal)) return;
      // An unexpected death (crash, OOM kill) restarts the process, which resumes the interrupted job, after a
      // pause that grows with each recent death.
      this.deaths++;
      if (this.deaths <= MAX_RESTARTS) {
        this.lastError = null;
        setTimeout(() => this.wake(), 200 * 2 ** (this.deaths - 1));
        return;
      }
      this.deaths = 0;
      // The dying process's last message can arrive just after its exit: give it a moment before naming the cause.
      setTimeout(() => {
        const why = this.lastError ?? (signal ? `the job process was killed (${signal})` : `the job process exited with code ${code}`);
        this.lastError = null;
        if (!this.stopped) this.giveUp(pid, why);
      }, 100);
    });
  }

  /**
   * Fails the job the dead process was running (or, if it died before taking one, the job it would have run next)
   * and tells the studio. Then, if other jobs are runnable, starts afresh for them: only the job that kept killing
   * the process is failed. If the failure cannot be written either (the disk is full for this process too), the
   * waiting jobs are reported failed to the studio but left as they are in the database, to resume next time.
   */
  private giveUp(deadPid: number | undefined, error: string): void {
    const message = `the job process died ${MAX_RESTARTS + 1} times in a row without finishing an item; last error: ${error}`;
    const dead = { pid: deadPid ?? -1, host: os.hostname() };
    let db: ReturnType<typeof openDb> | null = null;
    let runnableLeft = false;
    const report = (jobId: number, at: number) => this.onMessage({ type: 'state', jobId, state: { status: 'failed', at, error: message } });
    try {
      db = openDb(projectPaths(this.projectDir).db);
      const store = new JobStore(db);
      const expired = Date.now() - LEASE_EXPIRY_MS;
      const held = store.leasesOnHost(dead.host).find((l) => l.pid === dead.pid);
      const jobId = held?.jobId ?? store.nextRunnable({ owner: '', expired });
      if (jobId === undefined) return;
      try {
        if (store.failAbandoned(jobId, message, dead)) report(jobId, Date.now());
        runnableLeft = store.nextRunnable({ owner: '', expired }) !== undefined;
      } catch {
        const waiting = new Set([jobId, ...store.runnableIds()]);
        for (const id of waiting) report(id, Date.now());
      }
    } catch {
      // Not even readable: report the job the process last spoke of, if any; the database keeps it to resume later.
      if (this.lastJobId !== null) report(this.lastJobId, Date.now());
    } finally {
      db?.close();
    }
    if (runnableLeft) setTimeout(() => this.wake(), 200);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const child = this.child;
    if (!child) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 3000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      if (child.connected) child.send({ type: 'stop' } satisfies SupervisorMessage);
      else child.kill('SIGTERM');
    });
  }
}

/** What started this process, in a user's words ('synood jobs wait'), for "job #3 is run by …" messages. */
function parentKind(): string {
  const script = process.argv[1] ?? process.argv0;
  // bin/synood(.js), or the CLI entry run from source (src/cli/index.ts) or bundled (out/cli/index.js).
  if (!/(^|[\\/])synood(\.js)?$|[\\/]cli[\\/]index\.[jt]s$/.test(script)) return path.basename(script);
  return ['synood', ...process.argv.slice(2).filter((a) => !a.startsWith('-')).slice(0, 2)].join(' ');
}

/** Node (CLI, browser mode, tests): a forked child with an IPC channel. */
export const forkJobProcess: SpawnJobProcess = (dir, homeDir) => {
  const entry = jobProcessEntry();
  return fork(entry.file, homeDir ? [dir, homeDir] : [dir], {
    execArgv: entry.execArgv,
    env: { ...process.env, SYNOOD_JOB_OWNER: process.env.SYNOOD_JOB_OWNER ?? parentKind() },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  }) as unknown as JobProcessHandle;
};
