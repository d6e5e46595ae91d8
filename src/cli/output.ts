/** Exit codes scripts can rely on. */
export const EXIT = { ok: 0, failure: 1, usage: 2, badInput: 3, notFound: 4 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.failure,
  ) {
    super(message);
  }
}

/** A one-line progress bar on a TTY; silent otherwise (logs stay clean in CI and pipes). */
export function progressLine(label: string, done: number, total: number, extra = ''): void {
  if (!process.stderr.isTTY) return;
  const width = 28;
  const filled = total ? Math.round((width * done) / total) : 0;
  process.stderr.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${extra}`.padEnd(100));
  if (done >= total) process.stderr.write('\n');
}

export function printResult(value: unknown, json: boolean, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n');
}
