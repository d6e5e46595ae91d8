import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProject } from '../../src/main/project/project';
import { EXIT } from '../../src/cli/output';
import { tmpDir } from '../helpers/tmp';
import { pool, runCli, type CliResult } from './cli';

describe('synood exit codes', () => {
  const t = tmpDir('synood-cli-errors-');
  const proj = path.join(t.dir, 'proj');
  const results = new Map<string, CliResult>();
  const cli = (...args: string[]) => runCli(args, { home: t.dir });

  const CASES: Record<string, string[]> = {
    badNumber: ['select', '--k', 'abc'],
    unknownOption: ['generate', '--bogus'],
    acceptWithoutTarget: ['accept', '-p', proj],
    evalWithoutRun: ['eval', '-p', proj],
    twoSources: ['generate', '-p', proj, '--images', '1', '--classes', '2'],
    notAProject: ['jobs', '-p', path.join(t.dir, 'nowhere')],
    kOutOfRange: ['select', '-p', proj, '--k', '0'],
    trainWithoutData: ['train', '-p', proj],
    noSuchRun: ['export', 'metrics', '-p', proj, '--run', '999', '-o', path.join(t.dir, 'm.csv')],
    noSuchJob: ['jobs', 'cancel', '77', '-p', proj],
    projectExists: ['init', proj],
    labelsExist: ['export', 'labels', '-p', proj, '-o', path.join(t.dir, 'existing.txt')],
    jobsJson: ['jobs', '-p', proj, '--json'],
  };

  beforeAll(async () => {
    const p = createProject(proj, 'errors');
    p.db.prepare("INSERT INTO neg_labels (word, pos, template, mining_score, selected) VALUES ('abbey', 'noun', 'the nice {}', 0.2, 1)").run();
    p.db.close();
    fs.writeFileSync(path.join(t.dir, 'existing.txt'), 'keep me\n');
    const names = Object.keys(CASES);
    const out = await pool(names, 3, (n) => cli(...CASES[n]!));
    names.forEach((n, i) => results.set(n, out[i]!));
  }, 120_000);
  afterAll(() => t.cleanup());

  const r = (name: string) => results.get(name)!;

  it('usage errors exit 2 and say what is wrong', () => {
    expect(r('badNumber').code).toBe(EXIT.usage);
    expect(r('badNumber').stderr).toContain("'abc' is not a whole number");
    expect(r('unknownOption').code).toBe(EXIT.usage);
    expect(r('unknownOption').stderr).toContain("unknown option '--bogus'");
    expect(r('acceptWithoutTarget').code).toBe(EXIT.usage);
    expect(r('acceptWithoutTarget').stderr).toContain('exactly one of --all, --ids, or filter flags');
    expect(r('evalWithoutRun').code).toBe(EXIT.usage);
    expect(r('twoSources').code).toBe(EXIT.usage);
  });

  it('input the API refuses exits 3 with its reason', () => {
    expect(r('kOutOfRange').code).toBe(EXIT.badInput);
    expect(r('kOutOfRange').stderr).toMatch(/invalid input for subset\.select: k/);
    expect(r('trainWithoutData').code).toBe(EXIT.badInput);
    expect(r('trainWithoutData').stderr).toContain('no accepted candidates');
  });

  it('missing projects, runs and jobs exit 4', () => {
    expect(r('notAProject').code).toBe(EXIT.notFound);
    expect(r('notAProject').stderr).toContain('is not a SynOOD project');
    expect(r('noSuchRun').code).toBe(EXIT.notFound);
    expect(r('noSuchRun').stderr).toContain('run 999 does not exist');
    expect(r('noSuchJob').code).toBe(EXIT.notFound);
  });

  it('refusals because something exists exit 5 and change nothing', () => {
    expect(r('projectExists').code).toBe(EXIT.conflict);
    expect(r('projectExists').stderr).toContain('already holds a project');
    expect(r('labelsExist').code).toBe(EXIT.conflict);
    expect(r('labelsExist').stderr).toContain('--force');
    expect(fs.readFileSync(path.join(t.dir, 'existing.txt'), 'utf8')).toBe('keep me\n');
  });

  it('--json prints parseable data on stdout', () => {
    expect(r('jobsJson').code).toBe(EXIT.ok);
    expect(JSON.parse(r('jobsJson').stdout)).toEqual([]);
  });
});
