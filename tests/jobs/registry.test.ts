import { describe, expect, it } from 'vitest';
import { jobHandlers } from '../../src/main/jobs/registry';
import { JobKind } from '../../src/shared/api/jobs';

describe('job registry', () => {
  it('has exactly one handler for every job kind the contract names', () => {
    expect([...jobHandlers().keys()].sort()).toEqual([...JobKind.options].sort());
  });
});
