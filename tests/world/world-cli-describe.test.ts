import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { IND_CLASS_NAMES } from '../../src/main/world';
import { tmpDir } from '../helpers/tmp';
import { runCli } from '../cli/cli';

describe('synood world clip-folder / world describe / describe --nouns', () => {
  const t = tmpDir('synood-world-cli-describe-');
  afterAll(() => t.cleanup());
  const proj = path.join(t.dir, 'proj');
  const cli = async (...args: string[]) => {
    const r = await runCli(args, { home: t.dir });
    if (r.code !== 0) throw new Error(`${args.join(' ')} → ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const models = () => {
    const db = new Database(path.join(proj, 'synood.db'));
    try {
      return (db.prepare('SELECT model FROM prompt_versions ORDER BY id').all() as { model: string }[]).map((r) => r.model);
    } finally {
      db.close();
    }
  };

  it('writes the tiny CLIP folder, imports it, and describes the subset with the oracle and with a noun-list file', async () => {
    const flat = path.join(t.dir, 'flat');
    await cli('world', 'write', 'ind-train', '--dir', flat, '--count', '4');
    const manifest = JSON.parse(fs.readFileSync(path.join(flat, 'manifest.json'), 'utf8')) as { images: { file: string; indClass: number }[] };
    const train = path.join(t.dir, 'train');
    for (const e of manifest.images) {
      fs.mkdirSync(path.join(train, IND_CLASS_NAMES[e.indClass]!), { recursive: true });
      fs.copyFileSync(path.join(flat, e.file), path.join(train, IND_CLASS_NAMES[e.indClass]!, e.file));
    }
    const clipDir = path.join(t.dir, 'world-clip');
    expect(await cli('world', 'clip-folder', '--dir', clipDir, '--from', path.join(__dirname, '../../resources/world'))).toContain('pipeline CLIP folder');
    await cli('init', proj, '--json');
    await cli('import', '-p', proj, '--name', 'train', '--kind', 'ind-train', '--folder', train, '--json');
    await cli('models', 'import', clipDir, '--role', 'clip', '-p', proj, '--json');
    await cli('select', '-p', proj, '--k', '1', '--json');

    const oracle = await cli('world', 'describe', 'oracle', '-p', proj, '--manifest', flat);
    expect(oracle).toMatch(/described 4 of 4 images with the oracle \(ground truth\) describer/);
    const nouns = path.join(t.dir, 'nouns.txt');
    fs.writeFileSync(nouns, '# world context nouns\ntree\ncloud\nsky\ngrass\n\nroad\n');
    const clip = await cli('describe', '-p', proj, '--nouns', nouns, '--top-k', '2');
    expect(clip).toMatch(/described 4 of 4 images with CLIP nouns from .*nouns\.txt \(5 words\)/);
    expect(models()).toEqual([...Array(4).fill('given:oracle (ground truth)'), ...Array(4).fill('clip-nouns:world-clip:5 nouns')]);
  }, 180_000);
});
