/**
 * Studio start time: from spawning `synood serve --project <dir>` (the compiled CLI bundle) until the API process
 * is ready, i.e. it has printed its URL and answers an authenticated `app.info` request. Reference: `node -e 0` in
 * the same run, interleaved, so both see the same machine load. The project is a fresh demo-seeded folder unless
 * BENCH_START_PROJECT names one. Run: npm run bench:start. Ends with a RESULT line.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'synood.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

function nodeFloor(): number {
  const t = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return performance.now() - t;
}

async function startOnce(projectDir: string): Promise<number> {
  const t = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--project', projectDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => reject(new Error(`serve exited ${code} before it was ready:\n${err}`)));
    });
    const u = new URL(url);
    const token = u.searchParams.get('token') ?? '';
    const res = await fetch(`${u.origin}/api/call/app.info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-synood-token': token },
      body: '{}',
    });
    if (res.status >= 500) throw new Error(`app.info answered ${res.status}`);
    return performance.now() - t;
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main() {
  let project = process.env.BENCH_START_PROJECT;
  if (!project) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synood-start-'));
    const r = spawnSync(process.execPath, [BIN, 'init', path.join(dir, 'project')], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`synood init failed:\n${r.stderr}`);
    project = path.join(dir, 'project');
  }
  await startOnce(project); // warm-up: code cache, page cache
  const serve: number[] = [];
  const floor: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(nodeFloor());
    serve.push(await startOnce(project));
  }
  const s = median(serve);
  const f = median(floor);
  console.log(`studio API ready (serve → app.info answered): median ${s.toFixed(0)} ms over ${RUNS} runs; node -e 0: ${f.toFixed(0)} ms`);
  console.log(`RESULT start_ms=${s.toFixed(0)} node_floor_ms=${f.toFixed(0)} ratio_to_node=${(s / f).toFixed(2)} runs=${RUNS}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
