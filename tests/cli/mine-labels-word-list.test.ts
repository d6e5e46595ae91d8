import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/output';
import { tmpDir } from '../helpers/tmp';
import { oodProject, query } from '../pipeline/ood-project';
import { runCli } from './cli';

const NOUNS = ['abbey', 'anchor', 'banjo', 'barrel', 'beacon', 'bicycle', 'blanket', 'bottle', 'bridge', 'bucket', 'cabin', 'candle', 'canoe', 'castle', 'chimney', 'compass', 'cottage', 'crayon', 'desk', 'drum'];

describe('synood mine-labels --word-list', () => {
  const t = tmpDir('synood-cli-mine-list-');
  let proj = '';
  const cli = (...args: string[]) => runCli(args, { home: path.join(t.dir, 'home'), cwd: t.dir });
  const jsonOf = (r: { code: number; stdout: string; stderr: string }) => {
    if (r.code !== 0) throw new Error(`exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  };
  const count = (sql: string) => query<{ n: number }>(proj, sql)[0]!.n;

  beforeAll(async () => {
    // The project (InD classes cat, dog, fox; the tiny CLIP) is built in-process, then closed for the CLI to use.
    const p = await oodProject(t.dir, { perClass: 1, indTest: 1 });
    await p.studio.close();
    proj = p.projectDir;
    fs.writeFileSync(path.join(t.dir, 'pool.txt'), NOUNS.join('\n') + '\n');
    fs.writeFileSync(path.join(t.dir, 'fixed.txt'), 'kite\nquartz\nabbey\n');
    fs.writeFileSync(path.join(t.dir, 'bad.txt'), 'kite\nquartz\nDog\n');
  }, 120_000);
  afterAll(() => t.cleanup());

  it('mines a relative --word-list as the pool and prints what it recorded', async () => {
    const out = jsonOf(await cli('mine-labels', '-p', proj, '--word-list', 'pool.txt', '--json'));
    expect(out.candidates).toBe(20);
    expect(out.job.state.status).toBe('completed');
    expect(out.result.selected).toBe(3); // floor(20 · 0.15)
    expect(out.result.mining).toMatchObject({ source: { type: 'file', path: path.join(t.dir, 'pool.txt'), mode: 'pool', labels: 20 }, excludeInDClassNames: false });
    expect(count('SELECT count(*) AS n FROM neg_labels WHERE selected = 1')).toBe(3);
  }, 60_000);

  it('uses a --word-list-mode fixed list as the negative labels', async () => {
    const r = await cli('mine-labels', '-p', proj, '--word-list', path.join(t.dir, 'fixed.txt'), '--word-list-mode', 'fixed');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`using the 3 labels of ${path.join(t.dir, 'fixed.txt')} as the negative labels`);
    expect(query<{ word: string }>(proj, "SELECT word FROM neg_labels WHERE selected = 1 ORDER BY pos = 'adj', mining_score, id").map((x) => x.word)).toEqual(['kite', 'quartz', 'abbey']);
  }, 60_000);

  it('refuses a bad list with exit 3, the file and the line, and writes nothing', async () => {
    const before = [count('SELECT count(*) AS n FROM jobs'), count('SELECT count(*) AS n FROM neg_labels'), count('SELECT count(*) AS n FROM neg_labels WHERE selected = 1')];
    const bad = await cli('mine-labels', '-p', proj, '--word-list', 'bad.txt');
    expect(bad.code).toBe(EXIT.badInput);
    expect(bad.stderr).toContain(path.join(t.dir, 'bad.txt'));
    expect(bad.stderr).toMatch(/line 3: label "Dog" is the InD class "dog"/);
    const usage = await cli('mine-labels', '-p', proj, '--word-list-mode', 'fixed');
    expect(usage.code).toBe(EXIT.usage);
    expect(usage.stderr).toContain('--word-list-mode needs --word-list');
    const badMode = await cli('mine-labels', '-p', proj, '--word-list', 'pool.txt', '--word-list-mode', 'mined');
    expect(badMode.code).toBe(EXIT.usage);
    expect([count('SELECT count(*) AS n FROM jobs'), count('SELECT count(*) AS n FROM neg_labels'), count('SELECT count(*) AS n FROM neg_labels WHERE selected = 1')]).toEqual(before);
  }, 60_000);

  it('--exclude-ind-names is passed on and recorded', async () => {
    const out = jsonOf(await cli('mine-labels', '-p', proj, '--candidate-limit', '200', '--exclude-ind-names', '--json'));
    expect(out.job.state.status).toBe('completed');
    expect(out.job.title).toContain('InD class names excluded');
    expect(out.result.mining).toMatchObject({ source: { type: 'wordnet', candidateLimit: 200 }, excludeInDClassNames: true });
  }, 60_000);
});
