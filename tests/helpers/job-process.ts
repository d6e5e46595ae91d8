import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { jobProcessEntry, type SpawnJobProcess, type JobProcessHandle } from '../../src/main/jobs/supervisor';
import type { JobProcessMessage } from '../../src/main/jobs/messages';

/** A job process started by a test, as the studio or the CLI would start it, with its messages collected. */
export interface TestJobProcess {
  child: ChildProcess;
  pid: number;
  messages: JobProcessMessage[];
  /** Everything it wrote to stdout and stderr. */
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Asks it to stop (as the supervisor does) and waits for it to exit. */
  stop: () => Promise<void>;
}

/** Forks the real job process (src/main/job-process/index.ts through tsx) on `projectDir`, with extra environment. */
export function startJobProcess(projectDir: string, env: Record<string, string> = {}): TestJobProcess {
  const entry = jobProcessEntry();
  const child = fork(entry.file, [projectDir], { execArgv: entry.execArgv, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const messages: JobProcessMessage[] = [];
  let out = '';
  child.stdout!.on('data', (d) => (out += String(d)));
  child.stderr!.on('data', (d) => (out += String(d)));
  child.on('message', (m) => messages.push(m as JobProcessMessage));
  // A send racing the child's death reports EPIPE here instead of crashing the test.
  child.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    pid: child.pid!,
    messages,
    output: () => out,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        if (child.connected) child.send({ type: 'stop' });
        else child.kill('SIGTERM');
      }
      await exited;
    },
  };
}

/** A SpawnJobProcess for a Studio whose job processes get extra environment (test hooks such as the barrier). */
export function spawnWithEnv(env: Record<string, string>): SpawnJobProcess {
  return (dir) => {
    const entry = jobProcessEntry();
    const child = fork(entry.file, [dir], { execArgv: entry.execArgv, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('error', () => undefined);
    return child as unknown as JobProcessHandle;
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the real `synood` CLI (as tests/cli/cli.ts runCli does) but hands its stderr over while it runs, so a test
 * can wait for what it says before acting.
 */
export function spawnCli(args: string[], o: { home: string; env?: Record<string, string> }) {
  const bin = path.resolve(__dirname, '../../bin/synood.js');
  const child = spawn(process.execPath, [bin, ...args], { cwd: o.home, env: { ...process.env, HOME: o.home, SYNOOD_HOME: path.join(o.home, '.synood'), ...o.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += String(d)));
  child.stderr.on('data', (d) => (stderr += String(d)));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, stderr: () => stderr, done };
}
