import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp';
import { runCli } from '../cli/cli';

describe('synood world', () => {
  const t = tmpDir('synood-world-cli-');
  afterAll(() => t.cleanup());

  it('write renders a split to PNGs and a manifest', async () => {
    const dir = path.join(t.dir, 'near');
    const r = await runCli(['world', 'write', 'near-ood-test', '--dir', dir, '--count', '3'], { home: t.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['manifest.json', 'near-ood-test-00000.png', 'near-ood-test-00001.png', 'near-ood-test-00002.png']);
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(m.images[0].captions[0]).toContain(m.images[0].kindName);
  }, 90_000);

  it('sheet writes a contact sheet; unknown splits and models are usage errors naming the choices', async () => {
    const file = path.join(t.dir, 'sheet.png');
    const ok = await runCli(['world', 'sheet', 'far-ood-test', '--file', file, '--cols', '2', '--rows', '1'], { home: t.dir });
    expect(ok.code).toBe(0);
    expect(fs.readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    const badSplit = await runCli(['world', 'write', 'moon', '--dir', t.dir], { home: t.dir });
    expect(badSplit.code).toBe(2);
    expect(badSplit.stderr).toMatch(/unknown split 'moon'.*ind-test/);
    const badModel = await runCli(['world', 'train', '--only', 'vae'], { home: t.dir });
    expect(badModel.code).toBe(2);
    expect(badModel.stderr).toMatch(/unknown model 'vae'.*classifier/);
  }, 90_000);
});
