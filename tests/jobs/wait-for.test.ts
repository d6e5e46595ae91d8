import { describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/tmp';

describe('waitFor (test helper)', () => {
  it('awaits an async predicate: a pending "false" is not success', async () => {
    let calls = 0;
    const v = await waitFor(async () => ++calls >= 3 && 'ready', 2_000, 1);
    expect(v).toBe('ready');
    expect(calls).toBe(3);
  });

  it('fails with a message naming what it waited for when the predicate never comes true', async () => {
    await expect(waitFor(async () => false, 50, 5, 'the job to complete')).rejects.toThrow(/timed out after 50 ms waiting for: the job to complete/);
  });
});
