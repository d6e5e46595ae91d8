import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';

/** Commander value parsers: a malformed value is a usage error (exit 2) before anything runs. */
export function intArg(v: string): number {
  if (!/^-?\d+$/.test(v.trim())) throw new InvalidArgumentError(`'${v}' is not a whole number`);
  return Number(v);
}

export function numArg(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`'${v}' is not a number`);
  return n;
}

/** "3,5,8" or repeated flags → [3, 5, 8]. */
export function idList(v: string, prev: number[] = []): number[] {
  const ids = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length === 0) throw new InvalidArgumentError('give at least one id');
  return [...prev, ...ids.map(intArg)];
}

export function choice<T extends string>(allowed: readonly T[]): (v: string) => T {
  return (v) => {
    if (!(allowed as readonly string[]).includes(v)) throw new InvalidArgumentError(`'${v}' is not one of ${allowed.join(', ')}`);
    return v as T;
  };
}

/** Every project command takes -p; without it the current folder is the project. */
export function projectOption(cmd: Command): Command {
  return cmd.option('-p, --project <dir>', 'project folder (default: the current folder)');
}

export function projectDir(o: { project?: string }): string {
  return path.resolve(o.project ?? '.');
}

export function jsonOption(cmd: Command): Command {
  return cmd.option('--json', 'machine-readable output on stdout');
}

/** For commands that queue a job: wait (with a progress bar on a terminal) unless --no-wait. */
export function waitOption(cmd: Command): Command {
  return cmd.option('--no-wait', 'only queue the job and print its id; it runs the next time the project is open (studio, or `synood jobs wait <id>`)');
}

/** Only the flags the user gave, so the contract's defaults (the paper's) apply to the rest. */
export function given<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
