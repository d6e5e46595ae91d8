import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { JobProcessMessage, SupervisorMessage } from './messages';

/**
 * Finds the job process entry: the bundled JS next to the built main, or the TypeScript source run through tsx
 * (CLI, tests, browser mode from source).
 */
export function jobProcessEntry(): { file: string; execArgv: string[] } {
  const built = path.join(__dirname, 'job-process.js');
  if (fs.existsSync(built)) return { file: built, execArgv: [] };
  const src = path.resolve(__dirname, 'job-process.ts');
  // tsx by absolute URL: a bare `--import tsx` resolves from the working folder, which need not be this repo.
  if (fs.existsSync(src)) return { file: src, execArgv: ['--import', pathToFileURL(createRequire(__filename).resolve('tsx')).href] };
  throw new Error(`job process entry not found next to ${__dirname}`);
}

/** The little a supervisor needs of a child: node's ChildProcess fits, and so does an adapter over Electron's utilityProcess. */
export interface JobProcessHandle {
  readonly pid: number | undefined;
  readonly connected: boolean;
  send(m: SupervisorMessage): void;
  on(event: 'message', l: (m: JobProcessMessage) => void): void;
  on(event: 'exit', l: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  once(event: 'exit', l: () => void): void;
  kill(signal?: NodeJS.Signals): void;
}

export type SpawnJobProcess = (projectDir: string) => JobProcessHandle;

/**
 * Keeps one job process per open project alive while there is work, restarts it if it dies (it resumes from the
 * database), and hands its messages to the studio.
 */
export class JobSupervisor {
  private child: JobProcessHandle | null = null;
  private stopped = false;
  private restarts = 0;

  constructor(
    private readonly projectDir: string,
    private readonly onMessage: (m: JobProcessMessage) => void,
    private readonly spawn: SpawnJobProcess = forkJobProcess,
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
    const child = this.spawn(this.projectDir);
    this.child = child;
    child.on('message', (m: JobProcessMessage) => this.onMessage(m));
    child.on('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      if (this.child === child) this.child = null;
      // An unexpected death (crash, OOM kill) restarts the process, which resumes the interrupted job; a few
      // consecutive failures stop the loop so a job that kills its process every time cannot spin forever.
      if (!this.stopped && (code !== 0 || signal) && this.restarts < 5) {
        this.restarts++;
        setTimeout(() => this.wake(), 200);
      }
    });
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

/** Node (CLI, browser mode, tests): a forked child with an IPC channel. */
export const forkJobProcess: SpawnJobProcess = (dir) => {
  const entry = jobProcessEntry();
  return fork(entry.file, [dir], { execArgv: entry.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }) as unknown as JobProcessHandle;
};
