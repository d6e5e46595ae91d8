import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/output';
import { writeTinyClip } from '../../src/main/onnx/factory';
import { createProject } from '../../src/main/project/project';
import { tmpDir } from '../helpers/tmp';
import { pool, runCli, type CliResult } from './cli';

describe('synood models', () => {
  const t = tmpDir('synood-cli-models-');
  const good = path.join(t.dir, 'tiny-clip');
  const broken = path.join(t.dir, 'broken-clip');
  const proj = path.join(t.dir, 'proj');
  const results = new Map<string, CliResult>();
  /** A local port nothing listens on: the hub as seen from a machine without network. */
  let endpoint = '';
  const cli = (...args: string[]) => runCli(args, { home: t.dir, env: { HF_ENDPOINT: endpoint } });

  beforeAll(async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    await new Promise((resolve) => server.close(resolve));
    writeTinyClip(good, { imageSize: 16, patchSize: 8, seed: 3 });
    fs.cpSync(good, broken, { recursive: true });
    // A copy that stopped early: the first 300 bytes of the text tower.
    const text = path.join(broken, 'onnx', 'text_model.onnx');
    fs.writeFileSync(text, fs.readFileSync(text).subarray(0, 300));
    createProject(proj, 'models').db.close();
    const cases: Record<string, string[]> = {
      good: ['models', 'validate', '--role', 'clip', good],
      broken: ['models', 'validate', '--role', 'clip', broken],
      brokenJson: ['models', 'validate', '--role', 'clip', broken, '--json'],
      missing: ['models', 'validate', '--role', 'clip', path.join(t.dir, 'nothing')],
      wrongRole: ['models', 'validate', '--role', 'bert', good],
      offline: ['models', 'download', '--role', 'clip', 'someone/tiny-clip', '--dest', path.join(t.dir, 'dl')],
      importBroken: ['models', 'import', '--role', 'clip', broken, '-p', proj],
      badDtype: ['models', 'download', '--role', 'vlm', 'someone/llava', '--dtype', 'decoder_model_merged=q3', '--dest', path.join(t.dir, 'dl-q3')],
    };
    const names = Object.keys(cases);
    const out = await pool(names, 3, (n) => cli(...cases[n]!));
    names.forEach((n, i) => results.set(n, out[i]!));
  }, 120_000);
  afterAll(() => t.cleanup());
  const r = (name: string) => results.get(name)!;

  it('validates a factory model folder', () => {
    expect(r('good').code).toBe(EXIT.ok);
    expect(r('good').stdout).toContain('a valid clip model');
  });

  it('refuses a truncated one with exit 3, naming the file', () => {
    expect(r('broken').code).toBe(EXIT.badInput);
    expect(r('broken').stderr).toMatch(/onnx\/text_model\.onnx is truncated/);
    expect(r('brokenJson').code).toBe(EXIT.badInput);
    const v = JSON.parse(r('brokenJson').stdout);
    expect(v).toMatchObject({ ok: false, role: 'clip', root: broken });
    expect(v.problems.map((p: { file: string; code: string }) => [p.file, p.code])).toEqual([['onnx/text_model.onnx', 'truncated-onnx']]);
    expect(r('importBroken').code).toBe(EXIT.badInput);
    expect(r('importBroken').stderr).toContain('onnx/text_model.onnx is truncated');
  });

  it('says what is missing: a folder (exit 4) or a role that does not exist (exit 2)', () => {
    expect(r('missing').code).toBe(EXIT.notFound);
    expect(r('missing').stderr).toContain('does not exist');
    expect(r('wrongRole').code).toBe(EXIT.usage);
  });

  it('offline, a download says which files to copy where', () => {
    expect(r('offline').code).toBe(EXIT.failure);
    expect(r('offline').stderr).toContain(`Cannot reach the Hugging Face hub at ${endpoint}`);
    expect(r('offline').stderr).toContain(`copy them into ${path.join(t.dir, 'dl')}`);
    expect(r('offline').stderr).toMatch(/onnx\/text_model\.onnx\s+->/);
  });

  it('refuses a precision transformers.js has no files for as a usage error, before touching the network or the disk', () => {
    expect(r('badDtype').code).toBe(EXIT.usage);
    expect(r('badDtype').stderr).toContain("'q3' (for decoder_model_merged) is not one of fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4");
    expect(fs.existsSync(path.join(t.dir, 'dl-q3'))).toBe(false);
  });

  it('imports a folder into the project (copied) and lists it as the current clip model', async () => {
    const imported = await cli('models', 'import', '--role', 'clip', good, '--copy', '-p', proj, '--json');
    expect(imported.code, imported.stderr).toBe(EXIT.ok);
    const row = JSON.parse(imported.stdout);
    expect(row).toMatchObject({ role: 'clip', path: path.join(proj, 'models', 'tiny-clip'), validation: { ok: true } });
    for (const f of ['config.json', 'onnx/text_model.onnx', 'onnx/vision_model.onnx']) expect(fs.readFileSync(path.join(row.path, f))).toEqual(fs.readFileSync(path.join(good, f)));
    const list = await cli('models', '-p', proj, '--json');
    expect(JSON.parse(list.stdout)).toEqual([row]);
  }, 60_000);
});
