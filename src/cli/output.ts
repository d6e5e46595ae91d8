/** Exit codes scripts can rely on (listed in `synood --help`). */
export const EXIT = {
  ok: 0,
  /** Something failed while running: a job failed, a file could not be written, the disk is full. */
  failure: 1,
  /** The command line itself is wrong: unknown option, missing argument, a number that is not one. */
  usage: 2,
  /** Well-formed but unusable input: a value out of range, a model folder that does not fit its role. */
  badInput: 3,
  /** A project, run, job, file or model that does not exist. */
  notFound: 4,
  /** Refused because of the current state: the target exists (use --force), the job is not in a state to do that. */
  conflict: 5,
  /** The job finished but some of its items failed (their reasons are printed). */
  partial: 6,
  /** Interrupted with Ctrl-C; the job stays queued and resumes the next time the project is opened. */
  interrupted: 130,
} as const;

export const EXIT_HELP = `Exit codes: 0 ok, 1 failure, 2 usage error, 3 bad input, 4 not found, 5 conflict (exists: use --force; wrong state), 6 job finished with failed items, 130 interrupted.`;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

function duration(sec: number): string {
  if (sec < 60) return `${Math.round(sec)}s`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m${String(Math.round(sec % 60)).padStart(2, '0')}s`;
  return `${Math.floor(sec / 3600)}h${String(Math.round((sec % 3600) / 60)).padStart(2, '0')}m`;
}

/** "3.2/s, ETA 1m05s" from what the job process reports; empty while it has no estimate. */
export function rateText(itemsPerSec: number | null | undefined, etaSec: number | null | undefined): string {
  const parts: string[] = [];
  if (itemsPerSec) parts.push(itemsPerSec >= 1 ? `${itemsPerSec.toFixed(1)}/s` : `${(1 / itemsPerSec).toFixed(1)}s each`);
  if (etaSec !== null && etaSec !== undefined && etaSec > 0) parts.push(`ETA ${duration(etaSec)}`);
  return parts.join(', ');
}

/** A one-line progress bar on a TTY; silent otherwise (logs stay clean in CI and pipes). */
export function progressLine(label: string, done: number, total: number, extra = ''): void {
  if (!process.stderr.isTTY) return;
  const width = 28;
  const filled = total ? Math.min(width, Math.round((width * done) / total)) : 0;
  process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${extra}`.padEnd(100));
  if (done >= total) process.stderr.write('\n');
}

export function printResult(value: unknown, json: boolean, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n');
}

/** A note for people (progress, where a job went) that must never mix into --json output on stdout. */
export function note(text: string): void {
  process.stderr.write(text + '\n');
}
