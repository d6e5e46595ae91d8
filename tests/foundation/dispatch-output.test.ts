import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Studio } from '../../src/main/root';
import { dispatch } from '../../src/main/api/dispatch';
import { checksOutput } from '../../src/shared/api/route';
import { parseRouteOutput } from '../../src/shared/api/route-output';
import { routes, type Handlers, type RunDetail } from '../../src/shared/api';
import { tmpDir } from '../helpers/tmp';

const goodRun: RunDetail = {
  id: 7,
  kind: 'projection',
  name: 'r',
  status: 'completed',
  error: null,
  seed: 0,
  checkpointPath: null,
  createdAt: 1,
  startedAt: 1,
  finishedAt: 2,
  jobId: 3,
  average: { auroc: 0.9, fpr95Mos: 0.2, sets: 2 },
  config: {},
  data: {},
  modelHashes: {},
  metricNames: ['loss'],
};

describe('dispatch checks each output against its route contract', () => {
  const t = tmpDir();
  // The real handler map of a Studio, with run.get answered by the test: dispatch and the contract are the real ones.
  const real = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home') }).handlers;
  const withRunGet = (answer: unknown): Handlers => ({ ...real, 'run.get': async () => answer as RunDetail });
  afterAll(() => t.cleanup());

  it('refuses a handler whose output breaks its contract, naming the route and the field', async () => {
    const broken = { ...goodRun, average: { ...goodRun.average, auroc: 'high' } };
    const r = await dispatch(withRunGet(broken), 'run.get', { id: 7 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('internal');
    expect(r.error.message).toMatch(/^output of run\.get broke its contract: at average\.auroc: /);
  });

  it('names a missing field and a wrong element of an array by their paths', async () => {
    const { metricNames: _, ...missing } = goodRun;
    const r1 = await dispatch(withRunGet(missing), 'run.get', { id: 7 });
    expect(!r1.ok && r1.error.message).toMatch(/at metricNames: /);
    const r2 = await dispatch(withRunGet({ ...goodRun, metricNames: ['loss', 3] }), 'run.get', { id: 7 });
    expect(!r2.ok && r2.error.message).toMatch(/at metricNames\.1: /);
  });

  it('passes a conforming output through unchanged', async () => {
    const r = await dispatch(withRunGet(goodRun), 'run.get', { id: 7 });
    expect(r).toEqual({ ok: true, value: goodRun });
  });

  it('checks big outputs outside production only, small ones always', () => {
    expect(routes['candidate.list'].outputCheck).toBe('development');
    expect(routes['run.get'].outputCheck).toBe('always');
    expect(checksOutput(routes['candidate.list'], { NODE_ENV: 'production' })).toBe(false);
    expect(checksOutput(routes['candidate.list'], { NODE_ENV: 'production', SYNOOD_VALIDATE_OUTPUTS: '1' })).toBe(true);
    expect(checksOutput(routes['candidate.list'], { NODE_ENV: 'production', VITEST: 'true' })).toBe(true);
    expect(checksOutput(routes['candidate.list'], {})).toBe(true);
    expect(checksOutput(routes['run.get'], { NODE_ENV: 'production' })).toBe(true);
  });

  it('a client parses the answer with the same contract and names what broke it', () => {
    expect(parseRouteOutput('run.get', goodRun).average?.auroc).toBe(0.9);
    expect(() => parseRouteOutput('run.get', { ...goodRun, jobId: 'x' })).toThrow(/^the answer of run\.get broke its contract: at jobId: /);
  });
});
