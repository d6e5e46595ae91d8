import fs from 'node:fs';
import path from 'node:path';

/**
 * Test hook: SYNOOD_TEST_BARRIER=<dir> lets a test stop a job process at an exact point, so it kills or inspects it
 * there instead of racing a timer. Before committing item N (its files written, its rows not yet), the runner looks
 * for `<dir>/hold-<N>`; if it is there, it writes `<dir>/at-<N>` ("<pid> <jobId>") and waits until the hold file is
 * removed. Without the variable this is null and the runner skips it: no file system access in normal runs.
 */
export const beforeCommitBarrier: ((jobId: number, seq: number, signal: AbortSignal) => Promise<void>) | null = process.env.SYNOOD_TEST_BARRIER
  ? barrierIn(process.env.SYNOOD_TEST_BARRIER)
  : null;

function barrierIn(dir: string) {
  return async (jobId: number, seq: number, signal: AbortSignal): Promise<void> => {
    const hold = path.join(dir, `hold-${seq}`);
    if (!fs.existsSync(hold)) return;
    fs.writeFileSync(path.join(dir, `at-${seq}`), `${process.pid} ${jobId}`);
    while (fs.existsSync(hold) && !signal.aborted) await new Promise((r) => setTimeout(r, 20));
  };
}
