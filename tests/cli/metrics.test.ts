import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/output';
import { tmpDir } from '../helpers/tmp';
import { pool, runCli } from './cli';

/** AUROC by pair counting: P(InD score > OOD score) + ½ P(tie). */
function pairAuroc(ind: number[], ood: number[]): number {
  let wins = 0;
  for (const a of ind) for (const b of ood) wins += a > b ? 1 : a === b ? 0.5 : 0;
  return wins / (ind.length * ood.length);
}

describe('synood metrics on score files', () => {
  const t = tmpDir('synood-cli-metrics-');
  afterAll(() => t.cleanup());

  it('prints AUROC as --json, and exit codes for missing and malformed files', async () => {
    const ind = [0.9, 0.8, 0.75, 0.6, 0.55, 0.3];
    const oodA = [0.7, 0.5, 0.2, 0.1];
    const oodB = [0.8, 0.65, 0.6];
    const file = (name: string, v: (number | string)[]) => {
      fs.writeFileSync(path.join(t.dir, name), v.join('\n') + '\n');
      return path.join(t.dir, name);
    };
    const [ok, missing, bad] = await pool(
      [
        ['metrics', '--id', file('ind.txt', ind), '--ood', file('a.txt', oodA), file('b.txt', oodB), '--json'],
        ['metrics', '--id', path.join(t.dir, 'ind.txt'), '--ood', path.join(t.dir, 'none.txt')],
        ['metrics', '--id', path.join(t.dir, 'ind.txt'), '--ood', file('bad.txt', [0.1, 'oops'])],
      ],
      3,
      (args) => runCli(args, { home: t.dir }),
    );
    expect(ok!.code).toBe(EXIT.ok);
    const report = JSON.parse(ok!.stdout);
    expect(report.sets.map((s: { name: string }) => s.name)).toEqual(['a.txt', 'b.txt']);
    expect(report.sets[0].metrics.auroc).toBeCloseTo(pairAuroc(ind, oodA), 12);
    expect(report.sets[1].metrics.auroc).toBeCloseTo(pairAuroc(ind, oodB), 12);
    expect(report.average.auroc).toBeCloseTo((pairAuroc(ind, oodA) + pairAuroc(ind, oodB)) / 2, 12);
    expect(missing!.code).toBe(EXIT.notFound);
    expect(missing!.stderr).toContain('none.txt does not exist');
    expect(bad!.code).toBe(EXIT.badInput);
    expect(bad!.stderr).toContain('bad.txt:2: not a finite number');
  }, 60_000);
});
