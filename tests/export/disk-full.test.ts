import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/output';
import type { Studio } from '../../src/main/root';
import { runCli } from '../cli/cli';
import { tmpDir } from '../helpers/tmp';
import { openDb, openStudio, seededProject } from './seeded';
import { installSimulatedDisk, preloadEnv } from '../helpers/faults.cjs';

/** Both disks hold 64 KiB: the export below needs more. */
const DISK_BYTES = 64 * 1024;

/** Mounts a 64 KiB tmpfs at `dir`: a real full disk. Mounting needs root (and the capability to mount). */
function mountTinyDisk(dir: string): boolean {
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether this machine lets the test mount one (not in CI: there only the simulated disk runs). */
function canMountTinyDisk(): boolean {
  const probe = tmpDir('synood-mount-probe-');
  try {
    if (!mountTinyDisk(probe.dir)) return false;
    execFileSync('umount', [probe.dir]);
    return true;
  } finally {
    probe.cleanup();
  }
}

/** Fills the disk to the last byte: writes until ENOSPC. */
function fill(dir: string): void {
  const fd = fs.openSync(path.join(dir, 'ballast'), 'w');
  try {
    for (;;) fs.writeSync(fd, Buffer.alloc(4096, 1));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Two small disks at `dir`: a real 64 KiB tmpfs where this machine can mount one (root, CAP_SYS_ADMIN), and everywhere
 * a simulated one (tests/helpers/faults.cjs: writes under `dir` past 64 KiB fail with ENOSPC at the fs layer), so
 * these tests run in CI too. The CLI test gets the simulation in its own process through NODE_OPTIONS.
 */
interface TinyDisk {
  name: string;
  available: () => boolean;
  mount: (dir: string) => boolean;
  unmount: (dir: string) => void;
  /** Extra environment for a CLI process writing to the disk. */
  cliEnv: (dir: string) => Record<string, string>;
}

let uninstallSimulation: (() => void) | null = null;
const disks: TinyDisk[] = [
  {
    name: 'a simulated full disk (ENOSPC at the fs layer)',
    available: () => true,
    mount: (dir) => {
      fs.mkdirSync(dir, { recursive: true });
      uninstallSimulation = installSimulatedDisk(dir, DISK_BYTES);
      return true;
    },
    unmount: () => {
      uninstallSimulation?.();
      uninstallSimulation = null;
    },
    cliEnv: (dir) => preloadEnv({ SYNOOD_TEST_ENOSPC_DIR: dir, SYNOOD_TEST_ENOSPC_AFTER_BYTES: String(DISK_BYTES) }),
  },
  { name: 'a real full disk (64 KiB tmpfs)', available: canMountTinyDisk, mount: mountTinyDisk, unmount: (dir) => execFileSync('umount', [dir]), cliEnv: () => ({}) },
];

describe.each(disks)('exports onto $name', (tiny) => {
  // Only the real tmpfs variant can be unavailable (no permission to mount); the simulated one always runs.
  if (!tiny.available()) {
    it.skip('needs permission to mount a tmpfs');
    return;
  }
  let disk: ReturnType<typeof tmpDir>;
  let small: string;
  let proj: string;
  let home: string;
  let mounted = false;
  let studio: Studio;

  beforeAll(async () => {
    disk = tmpDir('synood-export-full-');
    [small, proj, home] = ['small', 'proj', 'home'].map((d) => path.join(disk.dir, d)) as [string, string, string];
    mounted = tiny.mount(small);
    expect(mounted).toBe(true);
    await seededProject(proj, { candidates: 12, pictures: 6 });
    const db = openDb(proj);
    db.prepare("UPDATE candidates SET status = 'accepted'").run();
    const files = db.prepare('SELECT DISTINCT file_path FROM candidates').pluck().all() as string[];
    db.close();
    // The precondition that makes this a full-disk test: the export cannot fit.
    expect(files.reduce((a, f) => a + fs.statSync(path.join(proj, f)).size, 0)).toBeGreaterThan(DISK_BYTES);
    studio = await openStudio(home, proj);
  }, 60_000);
  afterAll(async () => {
    await studio?.close();
    if (mounted) tiny.unmount(small);
    disk.cleanup();
  });

  it('a dataset export fails with a message naming the file and leaves nothing behind', async () => {
    const out = path.join(small, 'out');
    const r = await studio.call('export.dataset', { out });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('internal');
    expect(r.error.message).toMatch(new RegExp(`^disk full while writing ${out}/\\S+`));
    expect(r.error.message).toContain('partial files removed');
    expect(fs.readdirSync(small)).toEqual([]);
  });

  it('a forced export over an existing folder keeps the old folder intact when the disk fills', async () => {
    const keep = path.join(small, 'keep');
    fs.mkdirSync(keep);
    fs.writeFileSync(path.join(keep, 'old.txt'), 'previous export');
    const r = await studio.call('export.dataset', { out: keep, force: true });
    expect(!r.ok && r.error.message).toContain('disk full while writing');
    expect(fs.readdirSync(small)).toEqual(['keep']);
    expect(fs.readdirSync(keep)).toEqual(['old.txt']);
    expect(fs.readFileSync(path.join(keep, 'old.txt'), 'utf8')).toBe('previous export');
  });

  it('the CLI says so with exit code 1', async () => {
    const r = await runCli(['export', 'dataset', '-p', proj, '-o', path.join(small, 'cli-out')], { home, env: tiny.cliEnv(small) });
    expect(r.code).toBe(EXIT.failure);
    expect(r.stderr).toMatch(/^synood: disk full while writing .*cli-out\//);
    expect(fs.readdirSync(small)).toEqual(['keep']);
  }, 60_000);

  it('a file export onto a full disk keeps the previous file and leaves no temporary', async () => {
    const file = path.join(small, 'labels.txt');
    fs.writeFileSync(file, 'old list\n');
    fill(small);
    const r = await studio.call('export.labels', { out: file, force: true });
    expect(!r.ok && r.error).toMatchObject({ code: 'internal', message: expect.stringContaining(`disk full while writing ${file}`) });
    expect(fs.readFileSync(file, 'utf8')).toBe('old list\n');
    expect(fs.readdirSync(small).sort()).toEqual(['ballast', 'keep', 'labels.txt']);
  });
});
