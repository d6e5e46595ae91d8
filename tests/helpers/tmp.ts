import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temporary folder per test; removed by the returned cleanup. */
export function tmpDir(prefix = 'synood-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Polls `fn` until it returns something truthy and returns that. An async predicate is awaited (a pending
 * Promise is truthy, so not awaiting it would end every wait at once), and running out of time throws an error
 * that says what was awaited, so a wait that never comes true fails the test instead of passing it.
 */
export async function waitFor<T>(
  fn: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  timeoutMs = 60_000,
  intervalMs = 20,
  what = fn.toString(),
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`waitFor timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
