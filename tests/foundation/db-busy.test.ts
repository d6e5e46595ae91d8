import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curationHandlers } from '../../src/main/services/curation';
import { candidateHandlers } from '../../src/main/services/candidates';
import type { StudioContext } from '../../src/main/services/context';
import type { OpenProject } from '../../src/main/project/project';
import { isBusyError, openDb, retryOnBusy, type Db } from '../../src/main/store/db';
import { tmpDir } from '../helpers/tmp';

const CANDIDATES = 60;

/**
 * Another process writing to the project database in a loop, as the job process does while the user curates:
 * small IMMEDIATE transactions that update candidates and add jobs, back to back. It reports how many it committed.
 */
const WRITER = `
const Database = require(process.argv[2]);
const db = new Database(process.argv[3]);
db.pragma('busy_timeout = 10000');
const until = Date.now() + Number(process.argv[4]);
const upd = db.prepare('UPDATE candidates SET msp = ? WHERE id = ?');
const job = db.prepare("INSERT INTO jobs (kind, title, params_json, status, created_at, status_at) VALUES ('writer', 'w', '{}', 'completed', ?, ?)");
const tx = db.transaction((k) => {
  for (let i = 0; i < 10; i++) upd.run(Math.random(), 1 + ((k + i) % ${CANDIDATES}));
  job.run(Date.now(), Date.now());
});
let commits = 0, errors = 0;
process.stdout.write('ready\\n');
while (Date.now() < until) {
  try { tx.immediate(commits); commits++; } catch (e) { errors++; }
}
process.stdout.write(JSON.stringify({ commits, errors }) + '\\n');
db.close();
`;

describe('database under a concurrent writer process', () => {
  let t: ReturnType<typeof tmpDir>;
  let file: string;
  let db: Db;

  beforeAll(() => {
    t = tmpDir();
    file = path.join(t.dir, 'synood.db');
    db = openDb(file);
    const ins = db.prepare("INSERT INTO candidates (seed, objective, file_path, created_at) VALUES (?, 'energy', ?, ?)");
    for (let i = 0; i < CANDIDATES; i++) ins.run(i, `candidates/${i}.png`, Date.now() + i);
  });
  afterAll(() => {
    db.close();
    t.cleanup();
  });

  it('never lets SQLITE_BUSY reach a caller deciding and listing while another process writes', async () => {
    const script = path.join(t.dir, 'writer.cjs');
    fs.writeFileSync(script, WRITER);
    const writerMs = 4000;
    const child = spawn(process.execPath, [script, require.resolve('better-sqlite3'), file, String(writerMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const deadline = Date.now() + 30_000;
    while (!out.includes('ready') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));

    const ctx = { project: () => ({ db }) as unknown as OpenProject, changed: () => undefined } as unknown as StudioContext;
    const curation = curationHandlers(ctx);
    const candidates = candidateHandlers(ctx);
    const busy: string[] = [];
    let decided = 0;
    let listed = 0;
    const end = Date.now() + writerMs - 500;
    let k = 0;
    while (Date.now() < end) {
      // Run in short bursts, yielding between them so the writer's output is read.
      for (let i = 0; i < 20; i++, k++) {
        try {
          const ids = [1 + (k % CANDIDATES), 1 + ((k * 7) % CANDIDATES)];
          curation['curation.decide']({ target: { type: 'ids', ids }, decision: { status: k % 2 ? 'accepted' : 'rejected' } });
          decided++;
          if (k % 5 === 0) {
            curation['curation.decide']({ target: { type: 'filter', filter: { status: 'rejected' } } as never, decision: { status: 'new' } });
            decided++;
          }
          if (k % 3 === 0) curation['curation.undo']({} as never);
          const page = candidates['candidate.list']({ filter: {}, sort: 'created', desc: true, limit: 20, withTotal: true } as never) as { items: unknown[] };
          expect(page.items.length).toBe(20);
          listed++;
        } catch (e) {
          if (isBusyError(e)) busy.push(`${(e as { code: string }).code}: ${(e as Error).message}`);
          else throw e;
        }
      }
      await new Promise((r) => setImmediate(r));
    }
    expect(await exited).toBe(0);
    const writer = JSON.parse(out.trim().split('\n').at(-1)!) as { commits: number; errors: number };
    // The two really overlapped: both sides made progress.
    expect(writer.commits).toBeGreaterThan(50);
    expect(decided).toBeGreaterThan(50);
    expect(listed).toBeGreaterThan(50);
    expect(busy, `${busy.length} call(s) failed with SQLITE_BUSY, first: ${busy[0]}`).toEqual([]);
  });

  it('retries a BEGIN that met SQLITE_BUSY, with backoff, until the other process lets go', async () => {
    // This connection gives up at once on a lock (busy_timeout 0), so only the retry can save the call.
    const impatient = openDb(file);
    impatient.pragma('busy_timeout = 0');
    const holder = spawn(
      process.execPath,
      ['-e', `const db = new (require(process.argv[1]))(process.argv[2]); db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, 400);`, require.resolve('better-sqlite3'), file],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      let out = '';
      holder.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const deadline = Date.now() + 30_000;
      while (!out.includes('locked') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      const started = Date.now();
      const id = impatient.transaction(() => Number(impatient.prepare("INSERT INTO candidates (seed, objective, file_path, created_at) VALUES (999, 'energy', 'x.png', 0)").run().lastInsertRowid))();
      expect(id).toBeGreaterThan(0);
      expect(Date.now() - started).toBeGreaterThan(100);
    } finally {
      impatient.close();
      await new Promise((r) => (holder.exitCode !== null ? r(null) : holder.on('exit', r)));
    }
  });

  it('bounds the retrying, and never repeats work that already started', () => {
    const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    let calls = 0;
    const t0 = Date.now();
    expect(() =>
      retryOnBusy(
        () => {
          calls++;
          throw busy();
        },
        () => true,
        200,
      ),
    ).toThrow(/locked/);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(calls).toBeGreaterThan(2);
    calls = 0;
    expect(() =>
      retryOnBusy(
        () => {
          calls++;
          throw busy();
        },
        () => false,
      ),
    ).toThrow(/locked/);
    expect(calls).toBe(1);
  });
});
