import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp';
import { runCli } from '../cli/cli';
import { reviewProject } from './review-project';

/** The reviewer's workflow from the command line: export in one project, import in another, report there. */
describe('synood export run / import run / report', () => {
  let t: ReturnType<typeof tmpDir>;
  let projA: string;
  let projB: string;
  let runA: number;
  let runB: number;
  const cli = (...args: string[]) => runCli(args, { home: t.dir, timeoutMs: 120_000 });

  beforeAll(async () => {
    t = tmpDir('synood-review-cli-');
    const a = await reviewProject(t.dir, 'alpha', [{ name: 'alpha run', separation: [1.6, 1.4] }], { nInd: 200, nOod: 150, candidates: 6 });
    const b = await reviewProject(t.dir, 'beta', [{ name: 'beta run', kind: 'zero-shot', separation: [1.1, 0.9], config: { method: 'neglabel' } }], { nInd: 200, nOod: 150, candidates: 6 });
    [projA, projB, runA, runB] = [a.dir, b.dir, a.runIds[0]!, b.runIds[0]!];
    await a.close();
    await b.close();
  }, 120_000);
  afterAll(() => t.cleanup());

  it('lists the new commands with their options', async () => {
    const [exp, imp, rep, top] = await Promise.all([cli('export', 'run', '--help'), cli('import', 'run', '--help'), cli('report', '--help'), cli('import', '--help')]);
    expect(exp.stdout).toContain('Usage: synood export run');
    for (const o of ['--run', '--out', '--force', '--project', '--json']) expect(exp.stdout).toContain(o);
    expect(imp.stdout).toContain('Usage: synood import run [options] <file>');
    for (const o of ['--runs', '--out', '--pdf', '--reference', '--resamples', '--markdown', '--latex']) expect(rep.stdout).toContain(o);
    // The dataset import keeps its own options and still requires them.
    expect(top.stdout).toContain('--name <name>');
    const missing = await cli('import', '-p', projB, '--kind', 'ood-test', '--flat', t.dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--name <name>' not specified");
  }, 120_000);

  it('exports a run from one project and imports it into another, then reports on both', async () => {
    const bundle = path.join(t.dir, 'alpha.synood-run');
    const exp = await cli('export', 'run', '--run', String(runA), '-o', bundle, '-p', projA, '--json');
    expect(exp.code, exp.stderr).toBe(0);
    expect(JSON.parse(exp.stdout)).toMatchObject({ file: bundle, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await cli('export', 'run', '--run', String(runA), '-o', bundle, '-p', projA)).code).toBe(5);

    const imp = await cli('import', 'run', bundle, '-p', projB, '--json');
    expect(imp.code, imp.stderr).toBe(0);
    const imported = JSON.parse(imp.stdout) as { runId: number; origin: { projectName: string } };
    expect(imported.origin.projectName).toBe('alpha');
    const again = await cli('import', 'run', bundle, '-p', projB);
    expect(again.stdout).toContain(`already imported as run ${imported.runId}`);

    const truncated = path.join(t.dir, 'cut.synood-run');
    fs.writeFileSync(truncated, fs.readFileSync(bundle).subarray(0, 5000));
    const bad = await cli('import', 'run', truncated, '-p', projB);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/cut\.synood-run is truncated: 5000 bytes, but its manifest declares \d+ bytes; nothing was imported/);

    const html = path.join(t.dir, 'report.html');
    const md = path.join(t.dir, 'table.md');
    const rep = await cli('report', '--runs', `${runB},${imported.runId}`, '-o', html, '--markdown', md, '--resamples', '500', '-p', projB);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stdout).toContain(`wrote ${html}`);
    const text = fs.readFileSync(html, 'utf8');
    expect(text).toContain('foreign: alpha');
    expect(text).toContain('data-figure="roc-inaturalist"');
    expect(fs.readFileSync(md, 'utf8')).toMatch(/alpha run \(foreign: alpha\) \| \d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\]†/);
  }, 240_000);
});
