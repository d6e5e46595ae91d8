import { describe, expect, it } from 'vitest';
import { jobHandlers } from '../../src/main/job-process/registry';
import { jobContracts, JobKind } from '../../src/shared/jobs';

describe('job registry', () => {
  it('has exactly one handler for every job kind the contracts name, each under its own kind', () => {
    const handlers = jobHandlers();
    expect(Object.keys(handlers).sort()).toEqual([...JobKind.options].sort());
    expect(jobContracts.map((c) => c.kind).sort()).toEqual([...JobKind.options].sort());
    for (const [kind, h] of Object.entries(handlers)) expect(h.kind).toBe(kind);
  });
});
