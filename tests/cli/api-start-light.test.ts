import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from './cli';

/**
 * The API process must not load inference libraries it does not need: onnxruntime, transformers.js and sharp cost
 * about a second of every studio start, and only the job process (or a route that really runs a model) uses them.
 * A preloaded hook records every require of those packages by the `synood serve` process of a real project.
 */
const HEAVY = ['onnxruntime-node', '@huggingface/transformers', 'sharp'];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'synood-api-light-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function hookFile(log: string): string {
  const file = path.join(tmp, 'record-loads.cjs');
  fs.writeFileSync(
    file,
    `const Module = require('node:module');
const load = Module._load;
Module._load = function (request, parent, isMain) {
  if (${JSON.stringify(HEAVY)}.includes(request)) require('node:fs').appendFileSync(${JSON.stringify(log)}, process.pid + ' ' + request + '\\n');
  return load.apply(this, arguments);
};
`,
  );
  return file;
}

describe('studio start', () => {
  it('the API process answers without loading onnxruntime, transformers.js or sharp', async () => {
    const home = path.join(tmp, 'home');
    fs.mkdirSync(home, { recursive: true });
    const project = path.join(tmp, 'project');
    expect((await runCli(['init', project], { home })).code).toBe(0);
    const log = path.join(tmp, 'loads.txt');
    fs.writeFileSync(log, '');
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'synood.js'), 'serve', '--project', project], {
      cwd: home,
      env: { ...process.env, HOME: home, SYNOOD_HOME: path.join(home, '.synood'), NODE_OPTIONS: `--require ${hookFile(log)}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
          if (m) resolve(new URL(m[1]!));
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const token = url.searchParams.get('token') ?? '';
      for (const route of ['app.info', 'dataset.list', 'run.list', 'job.list']) {
        const res = await fetch(`${url.origin}/api/call/${route}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-synood-token': token }, body: '{}' });
        expect(res.status, route).toBeLessThan(500);
      }
      const apiLoads = fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith(`${child.pid} `));
      expect(apiLoads).toEqual([]);
      // The hook works: the same check sees a load when one happens.
      const probe = spawn(process.execPath, ['-e', "require('sharp')"], { env: { ...process.env, NODE_OPTIONS: `--require ${hookFile(log)}` }, cwd: REPO });
      await new Promise((r) => probe.once('exit', r));
      expect(fs.readFileSync(log, 'utf8')).toContain(`${probe.pid} sharp`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  }, 60_000);
});
