import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, EXTERNAL, rewriteLazyLoads } from '../../scripts/build-cli.mjs';
import { tmpDir } from '../helpers/tmp';
import { REPO } from './cli';

/**
 * The compiled CLI (scripts/build-cli.mjs) and bin/synood.js's choice between it and the sources. The bundle is built
 * into a throwaway copy of the layout (bin/ copied; src, node_modules, resources linked), never into the repository's
 * out/cli, which other CLI runs may be using.
 */
describe('CLI bundle', () => {
  const t = tmpDir('synood-cli-bundle-');
  const root = path.join(t.dir, 'app');
  const bin = path.join(root, 'bin', 'synood.js');
  const out = path.join(root, 'out', 'cli');
  const stampFile = path.join(out, 'build-stamp.json');
  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [bin, ...args], { cwd: t.dir, env: { ...process.env, HOME: t.dir, SYNOOD_HOME: path.join(t.dir, '.synood'), SYNOOD_CLI: '', SYNOOD_CLI_DEBUG: '1', ...env }, timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(REPO, 'bin', 'synood.js'), bin);
    for (const d of ['src', 'node_modules', 'resources', 'package.json']) fs.symlinkSync(path.join(REPO, d), path.join(root, d));
    const built = await buildCli({ quiet: true, outDir: out });
    expect(built).not.toBeNull();
  });
  afterAll(() => t.cleanup());

  it('rewrites the lazy loads of src/cli/lazy.ts into requires esbuild can bundle (and still evaluate lazily)', () => {
    const src = fs.readFileSync(path.join(REPO, 'src', 'cli', 'lazy.ts'), 'utf8');
    const out = rewriteLazyLoads(src);
    const loads = [...src.matchAll(/\bload\('([^']+)'\)/g)].map((m) => m[1]);
    expect(loads.length).toBeGreaterThan(3);
    for (const l of loads) expect(out).toContain(`require('${l}')`);
    expect(out).not.toMatch(/\bload\('/);
  });

  it('keeps native and heavy modules out of the bundle and the job process beside it', () => {
    const code = fs.readFileSync(path.join(out, 'index.js'), 'utf8');
    for (const m of ['better-sqlite3', 'onnxruntime-node', 'sharp']) {
      expect(EXTERNAL).toContain(m);
      expect(code).toContain(`require("${m}")`);
    }
    // The supervisor forks job-process.js from its own folder, which in the bundle is out/cli.
    expect(fs.existsSync(path.join(out, 'job-process.js'))).toBe(true);
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { id: string; inputs: Record<string, number> };
    expect(Object.keys(stamp.inputs)).toContain('src/cli/index.ts');
    expect(Object.keys(stamp.inputs)).toContain('src/main/job-process/index.ts');
  });

  it('runs the bundle when it is current, with the same help as the sources, and writes a code cache', async () => {
    const bundled = await run(['--help']);
    expect(bundled.code).toBe(0);
    expect(bundled.stderr).toContain('synood: bundle out/cli/index.js');
    expect(bundled.stdout).toContain('Usage: synood');
    const source = await run(['--help'], { SYNOOD_CLI: 'source' });
    expect(source.stderr).toContain('through tsx (SYNOOD_CLI=source)');
    expect(bundled.stdout).toBe(source.stdout);
    const sub = await run(['export', 'dataset', '--help']);
    expect(sub.stdout).toBe((await run(['export', 'dataset', '--help'], { SYNOOD_CLI: 'source' })).stdout);
    expect(fs.readdirSync(out).some((f) => f.endsWith('.cache'))).toBe(true);
  });

  it('runs real commands from the bundle: the lazily loaded studio, SQLite, exit codes', async () => {
    const project = path.join(t.dir, 'proj');
    const init = await run(['init', project, '--json']);
    expect(init.stderr).toContain('synood: bundle');
    expect(init.code).toBe(0);
    expect((JSON.parse(init.stdout) as { dir: string }).dir).toBe(project);
    expect(fs.readdirSync(project).length).toBeGreaterThan(0);
    const list = await run(['jobs', 'list', '--project', project, '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toBeDefined();
    // A usage error keeps the CLI's exit code through the bundle.
    const bad = await run(['select', '--k', 'many', '--project', project]);
    expect(bad.code).toBe((await run(['select', '--k', 'many', '--project', project], { SYNOOD_CLI: 'source' })).code);
    expect(bad.code).not.toBe(0);
  });

  it('falls back to the sources through tsx when a source changed since the build, or there is no bundle', async () => {
    const stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { inputs: Record<string, number> };
    const saved = JSON.stringify(stamp);
    try {
      // As if src/cli/index.ts had been edited after the build (the stamp is edited, not the source).
      stamp.inputs['src/cli/index.ts'] = stamp.inputs['src/cli/index.ts']! - 1000;
      fs.writeFileSync(stampFile, JSON.stringify(stamp));
      const stale = await run(['--version']);
      expect(stale.code).toBe(0);
      expect(stale.stderr).toContain('through tsx (stale bundle: src/cli/index.ts changed since it was built');
      // SYNOOD_CLI=bundle skips the check.
      expect((await run(['--version'], { SYNOOD_CLI: 'bundle' })).stderr).toContain('synood: bundle');
      fs.rmSync(stampFile);
      const none = await run(['--version']);
      expect(none.code).toBe(0);
      expect(none.stderr).toContain('through tsx (no bundle; npm run build:cli makes one)');
    } finally {
      fs.writeFileSync(stampFile, saved);
    }
  });
});
