import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHost } from '../../src/main/host/server';
import { Studio } from '../../src/main/root';
import type { CandidateDetail } from '../../src/shared/api/routes/candidate-detail';
import type { GenerateSettings } from '../../src/shared/api/routes/generate';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { registerGenerationModels, TINY_SIZE, writeTinyGenerationModels } from './generation-models';
import { imagesOf, jobDone, openProbe, projectWithImages, value, type ImageInfo } from './stage-project';

interface Row {
  id: number;
  source_image_id: number;
  seed: number;
  objective: string;
  file_path: string;
  unguided_path: string | null;
  job_id: number;
}

// r large enough that the tiny random-weight models' small gradients visibly move the picture (the paper's r = 10 moves it by
// a fraction of a grey level here).
const BASE: Partial<GenerateSettings> = { steps: 4, iterations: 2, seed: 3, perImage: 1, lr: 1e4 };

async function rgb(file: string): Promise<Buffer> {
  return sharp(file).removeAlpha().raw().toBuffer();
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

function maxAbsDiff(a: Buffer, b: Buffer): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function get(port: number, urlPath: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, headers: { host: `127.0.0.1:${port}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('generate.candidates keeps the unguided image (iteration 1, before any update)', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let projectDir: string;
  let home: string;
  let images: ImageInfo[];
  const jobs: Record<'official' | 'none' | 'off', number> = { official: 0, none: 0, off: 0 };

  const rows = (jobId: number): Row[] => {
    const db = openProbe(projectDir);
    try {
      return db.prepare('SELECT id, source_image_id, seed, objective, file_path, unguided_path, job_id FROM candidates WHERE job_id = ? ORDER BY source_image_id').all(jobId) as Row[];
    } finally {
      db.close();
    }
  };
  const abs = (rel: string) => path.join(projectDir, rel);

  beforeAll(async () => {
    t = tmpDir('synood-unguided-');
    const src = path.join(t.dir, 'src');
    for (const [ci, cls] of ['cat', 'dog'].entries()) for (let i = 0; i < 2; i++) await writeImage(path.join(src, cls, `${i}.png`), ci * 10 + i + 1, 48);
    projectDir = path.join(t.dir, 'proj');
    home = path.join(t.dir, 'home');
    ({ studio } = await projectWithImages(home, projectDir, src));
    images = imagesOf(projectDir);
    await registerGenerationModels(projectDir, writeTinyGenerationModels(path.join(t.dir, 'models')));
    for (const img of images) value(await studio.call('prompt.save', { imageId: img.id, elements: ['grass'], prompt: `A photo only remain grass near the ${img.className}.` }));
    const run = async (settings: Partial<GenerateSettings>, imageIds: number[]) => {
      const { jobId } = value<{ jobId: number }>(await studio.call('generate.start', { source: { type: 'images', imageIds }, settings }));
      expect((await jobDone(studio, jobId, 120_000)).state.status).toBe('completed');
      return jobId;
    };
    const all = images.map((i) => i.id);
    jobs.official = await run({ ...BASE, objective: 'official' }, all);
    jobs.none = await run({ ...BASE, objective: 'none' }, all);
    // Off, on another seed: with the same seed it would repeat the official candidates (keeping a file more is not another candidate).
    jobs.off = await run({ ...BASE, objective: 'official', seed: 9, saveUnguided: false }, [images[0]!.id]);
  }, 300_000);

  afterAll(async () => {
    await studio.close();
    t.cleanup();
  });

  it('writes a full-size PNG per candidate under unguided/, recorded in the row', async () => {
    const official = rows(jobs.official);
    expect(official).toHaveLength(images.length);
    for (const r of official) {
      expect(r.unguided_path).toBe(`candidates/${jobs.official}/unguided/${r.source_image_id}_3.png`);
      const meta = await sharp(abs(r.unguided_path!)).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['png', TINY_SIZE, TINY_SIZE]);
    }
    const db = openProbe(projectDir);
    const timings = (db.prepare('SELECT timings_json FROM candidates WHERE job_id = ?').pluck().all(jobs.official) as string[]).map((s) => JSON.parse(s) as { unguidedMs: number });
    db.close();
    for (const tm of timings) expect(tm.unguidedMs).toBeGreaterThan(0);
  });

  it('with guidance on, the unguided image differs from the guided one; it is what objective none makes from the same seed', async () => {
    const none = new Map(rows(jobs.none).map((r) => [r.source_image_id, r]));
    for (const r of rows(jobs.official)) {
      const unguided = await rgb(abs(r.unguided_path!));
      const guided = await rgb(abs(r.file_path));
      // Two noise updates move the picture: not a rounding difference.
      expect(meanAbsDiff(unguided, guided)).toBeGreaterThan(5);
      // The same seed, prompt and schedule without any update: the `none` candidate (up to float rounding between the
      // gradient graph and the forward-only graph that decoded them).
      const plain = await rgb(abs(none.get(r.source_image_id)!.file_path));
      expect(maxAbsDiff(unguided, plain)).toBeLessThanOrEqual(2);
      expect(meanAbsDiff(unguided, plain)).toBeLessThan(0.05);
    }
  });

  it('with objective none, unguided and guided are the same image', () => {
    for (const r of rows(jobs.none)) {
      expect(r.unguided_path).not.toBeNull();
      expect(fs.readFileSync(abs(r.unguided_path!)).equals(fs.readFileSync(abs(r.file_path)))).toBe(true);
    }
  });

  it('with saveUnguided off, nothing is written and the row says null', () => {
    const [r] = rows(jobs.off);
    expect(r!.unguided_path).toBeNull();
    expect(fs.existsSync(path.join(projectDir, 'candidates', String(jobs.off), 'unguided'))).toBe(false);
  });

  it('candidate.get returns the unguided path (null where there is none)', async () => {
    const [withOne] = rows(jobs.official);
    const [without] = rows(jobs.off);
    expect(value<CandidateDetail>(await studio.call('candidate.get', { id: withOne!.id })).unguidedFilePath).toBe(withOne!.unguided_path);
    expect(value<CandidateDetail>(await studio.call('candidate.get', { id: without!.id })).unguidedFilePath).toBeNull();
  });

  it('the browser host serves the unguided file from the project, and refuses paths that leave it', async () => {
    const browser = new Studio({ transport: 'browser', homeDir: path.join(t.dir, 'home-browser') });
    value(await browser.call('project.open', { dir: projectDir }));
    const rendererDir = path.join(t.dir, 'renderer');
    fs.mkdirSync(rendererDir, { recursive: true });
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html>');
    const host = await startBrowserHost(browser, { rendererDir });
    try {
      const detail = value<CandidateDetail>(await browser.call('candidate.get', { id: rows(jobs.official)[0]!.id }));
      const q = `?token=${host.token}`;
      const ok = await get(host.port, `/files/${detail.unguidedFilePath!}${q}`);
      expect(ok.status).toBe(200);
      expect(ok.body.equals(fs.readFileSync(abs(detail.unguidedFilePath!)))).toBe(true);
      const dir = path.dirname(detail.unguidedFilePath!);
      fs.writeFileSync(path.join(t.dir, 'outside.png'), 'not yours');
      fs.symlinkSync(path.join(t.dir, 'outside.png'), abs(`${dir}/link.png`));
      for (const p of [`/files/${dir}/../../../synood.db`, `/files/${dir}/%2e%2e/%2e%2e/%2e%2e/synood.db`, `/files/${dir}/link.png`, `/files/${encodeURIComponent(path.join(t.dir, 'outside.png'))}`]) {
        const r = await get(host.port, `${p}${q}`);
        expect(r.status, p).toBeGreaterThanOrEqual(400);
        expect(r.body.toString('utf8')).not.toContain('not yours');
      }
      fs.rmSync(abs(`${dir}/link.png`));
    } finally {
      await host.close();
      await browser.close();
    }
  });

  it('exports a contact sheet whose tiles are the source, unguided and guided files of each row', async () => {
    const out = path.join(t.dir, 'sheet.png');
    const cell = 48;
    const r = value<{ file: string; sidecar: string; rows: number; classes: number; withoutUnguided: number; width: number; height: number; captionsInImage: boolean }>(
      await studio.call('export.sheet', { out, perClass: 10, cell }),
    );
    // 4 official + 4 none + 1 without an unguided image, over 2 classes.
    expect(r).toMatchObject({ rows: 9, classes: 2, withoutUnguided: 1 });
    const meta = await sharp(out).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', r.width, r.height]);
    // Three tiles and four 4-pixel gaps across; nine rows of at least a tile and a gap down.
    expect(meta.width).toBe(3 * cell + 4 * 4);
    expect(meta.height!).toBeGreaterThanOrEqual(9 * (cell + 4));
    const sidecar = JSON.parse(fs.readFileSync(r.sidecar, 'utf8')) as {
      cell: number;
      columns: { name: string; x: number }[];
      rows: { candidateId: number; className: string; caption: string; y: number; files: Record<string, string | null> }[];
    };
    expect(sidecar.columns.map((c) => c.name)).toEqual(['source', 'unguided', 'guided']);
    expect(sidecar.rows.map((x) => x.className)).toEqual(['cat', 'cat', 'cat', 'cat', 'cat', 'dog', 'dog', 'dog', 'dog']);
    const sheet = await sharp(out).removeAlpha().raw().toBuffer();
    const crop = (x: number, y: number) => {
      const b = Buffer.alloc(cell * cell * 3);
      for (let j = 0; j < cell; j++) sheet.copy(b, j * cell * 3, ((y + j) * meta.width! + x) * 3, ((y + j) * meta.width! + x + cell) * 3);
      return b;
    };
    const fitted = async (rel: string) => sharp(abs(rel)).removeAlpha().resize(cell, cell).raw().toBuffer();
    const db = openProbe(projectDir);
    const truth = (id: number) => db.prepare('SELECT c.file_path, c.unguided_path, i.path AS source FROM candidates c JOIN images i ON i.id = c.source_image_id WHERE c.id = ?').get(id) as { file_path: string; unguided_path: string | null; source: string };
    try {
      for (const row of sidecar.rows) {
        const want = truth(row.candidateId);
        const [source, unguided, guided] = sidecar.columns.map((c) => crop(c.x, row.y));
        expect(meanAbsDiff(source!, await fitted(want.source))).toBeLessThan(1);
        expect(meanAbsDiff(guided!, await fitted(want.file_path))).toBeLessThan(1);
        if (want.unguided_path === null) {
          // A flat grey tile (with a 'not recorded' note when text is drawn): no image's pixels.
          const grey = unguided!.filter((v) => v === 204).length / unguided!.length;
          expect(grey).toBeGreaterThan(r.captionsInImage ? 0.8 : 0.999);
          continue;
        }
        expect(meanAbsDiff(unguided!, await fitted(want.unguided_path))).toBeLessThan(1);
        // The columns are not interchangeable: for guided candidates the unguided tile is not the guided file.
        const official = rows(jobs.official).some((x) => x.id === row.candidateId);
        if (official) expect(meanAbsDiff(unguided!, await fitted(want.file_path))).toBeGreaterThan(1);
      }
    } finally {
      db.close();
    }
    for (const row of sidecar.rows) expect(row.caption).toMatch(/^(cat|dog) · #\d+ · (official|none) — MSP 0\.\d{3}/);
    // An existing sheet is not replaced without force.
    const again = await studio.call('export.sheet', { out, perClass: 1, cell });
    expect(again.ok ? 'ok' : again.error.code).toBe('conflict');
  });
});
