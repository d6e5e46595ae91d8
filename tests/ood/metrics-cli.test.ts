import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeOodMetrics, formatMetrics, metricsFromFiles, readScoreFile } from '../../src/main/ood';

const dir = mkdtempSync(join(tmpdir(), 'ood-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('metrics from score files', () => {
  const ind = [0.9, 0.8, 0.75, 0.7, 0.6, 0.55, 0.4];
  const oodA = [0.5, 0.45, 0.8, 0.1];
  const oodB = [0.95, 0.2, 0.3];
  const idPath = write('id.txt', ind.join('\n') + '\n\n');
  const aPath = write('inat.txt', oodA.map((v) => v.toExponential()).join('\r\n'));
  const bPath = write('sun.txt', oodB.join('\n'));

  it('matches the in-memory metrics for each file, names sets by file', () => {
    const report = metricsFromFiles(idPath, [aPath, bPath]);
    expect(report.sets.map((s) => s.name)).toEqual(['inat.txt', 'sun.txt']);
    expect(report.sets[0]!.metrics).toEqual(computeOodMetrics(ind, oodA));
    expect(report.sets[1]!.metrics).toEqual(computeOodMetrics(ind, oodB));
    expect(metricsFromFiles(idPath, aPath).sets).toHaveLength(1);
  });

  it('formats a labelled table and valid JSON', () => {
    const report = metricsFromFiles(idPath, [aPath, bPath]);
    const text = formatMetrics(report, false);
    expect(text).toContain('FPR95-MOS');
    expect(text).toContain('FPR95-OpenOOD');
    expect(text).toContain('Average');
    expect(text).toContain((100 * report.sets[0]!.metrics.auroc).toFixed(2));
    expect(JSON.parse(formatMetrics(report, true))).toEqual(JSON.parse(JSON.stringify(report)));
  });

  it('names the file and line of a bad value', () => {
    const bad = write('bad.txt', '0.1\n0.2\n\nabc\n');
    expect(() => readScoreFile(bad)).toThrow(`${bad}:4: not a finite number`);
    expect(() => readScoreFile(write('hex.txt', '0x10\n'))).toThrow(/hex\.txt:1:/);
    expect(() => readScoreFile(write('inf.txt', '1\nInfinity\n'))).toThrow(/inf\.txt:2:/);
    expect(() => readScoreFile(write('huge.txt', '1e999\n'))).toThrow(/huge\.txt:1:/);
    expect(() => readScoreFile(write('empty.txt', '\n \n'))).toThrow(/no scores found/);
    expect(Array.from(readScoreFile(write('ok.txt', ' -1.5e-3 \n+2\n.5\n')))).toEqual([-0.0015, 2, 0.5]);
  });
});
