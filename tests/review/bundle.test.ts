import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_FORMAT_VERSION, f64FromBytes, readBundle, writeBundle } from '../../src/main/review/bundle-format';
import { RECORD_SECTION, RunRecord } from '../../src/main/review/record';
import { delongPaired } from '../../src/main/ood/uncertainty-delong';
import type { CompareStats } from '../../src/shared/api/routes/review';
import { tmpDir } from '../helpers/tmp';
import { listFiles, OOD_SETS, reviewProject, type ReviewProject } from './review-project';

/** A run made in project A, exported, imported into project B and compared there with B's own run. */
describe('run bundles', () => {
  let t: ReturnType<typeof tmpDir>;
  let a: ReviewProject;
  let b: ReviewProject;
  let bundleFile: string;
  let bundle: Buffer;
  let foreignId: number;

  beforeAll(async () => {
    t = tmpDir('synood-bundle-');
    a = await reviewProject(t.dir, 'proj-a', [
      { name: 'NegLabel (zero-shot)', kind: 'zero-shot', separation: [1.2, 0.9], config: { method: 'neglabel' } },
      { name: 'ours-s1', seed: 1, separation: [1.6, 1.3] },
    ]);
    b = await reviewProject(t.dir, 'proj-b', [
      { name: 'B baseline', kind: 'zero-shot', separation: [1.2, 0.9], config: { method: 'neglabel' } },
      { name: 'ours-s2', seed: 2, separation: [1.55, 1.35] },
    ]);
    bundleFile = path.join(t.dir, 'run.synood-run');
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    t.cleanup();
  });

  it('exports a run as one file with a manifest, a SHA-256 per section and of the whole', async () => {
    const r = await a.call<{ file: string; bytes: number; sha256: string; sections: number }>('bundle.export', { runId: a.runIds[1], out: bundleFile });
    expect(r.file).toBe(bundleFile);
    bundle = fs.readFileSync(bundleFile);
    expect(r.bytes).toBe(bundle.length);
    expect(r.sha256).toBe(crypto.createHash('sha256').update(bundle).digest('hex'));
    const read = readBundle(bundle);
    expect(read.manifest.version).toBe(BUNDLE_FORMAT_VERSION);
    expect(read.manifest.origin).toMatchObject({ projectName: 'proj-a', projectPath: a.dir, runId: a.runIds[1], runName: 'ours-s1' });
    expect(read.manifest.studio.version).toBe('0.1.0');
    // The trailer is the SHA-256 of everything before it.
    expect(bundle.subarray(-32).toString('hex')).toBe(crypto.createHash('sha256').update(bundle.subarray(0, -32)).digest('hex'));
    const record = RunRecord.parse(read.json(RECORD_SECTION));
    expect(record.run).toMatchObject({ name: 'ours-s1', kind: 'labels', seed: 1 });
    expect(record.config).toMatchObject({ stage: 'labels', lr: 2e-2 });
    expect(record.data.generation).toEqual({ objective: 'official', energySign: 'paper' });
    expect(record.modelHashes).toEqual({ clip: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(record.evaluations.map((e) => e.oodName)).toEqual(OOD_SETS);
    expect(record.evaluations[0]!.switches).toMatchObject({ tunedLabels: true, indDatasets: ['ind-test'] });
    expect(record.evaluations[0]!.curves!.roc.fpr.length).toBeGreaterThan(10);
    expect(record.training[0]!.name).toBe('loss');
    // Per-sample scores are the evaluation's, bit for bit; the InD scores shared by both sets are stored once.
    const e0 = record.evaluations[0]!;
    const file = path.join(a.dir, 'runs', String(a.runIds[1]), 'evaluations');
    const stored = JSON.parse(fs.readFileSync(path.join(file, fs.readdirSync(file).sort()[0]!), 'utf8')) as { ind: number[]; ood: number[] };
    expect(Array.from(f64FromBytes(read.section(e0.scores!.ind), 'x'))).toEqual(stored.ind);
    expect(record.evaluations[1]!.scores!.ind).toBe(e0.scores!.ind);
    expect(read.json<string[]>(e0.scores!.indKeys!)).toHaveLength(400);
    // Provenance: the curated images' and labels' content hashes, the InD training set, the models.
    expect(record.provenance.trainingData.candidates).toBe(14);
    expect(record.provenance.trainingData.missingFiles).toBe(0);
    expect(record.provenance.trainingData.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record.provenance.trainingData.items[0]).toMatchObject({ label: 'bamboo', pos: 'noun', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(record.provenance.indTrain.images).toBe(10);
    expect(record.provenance.models[0]).toMatchObject({ role: 'clip' });
    // Up to 8 accepted and 8 rejected candidates, with their thumbnail bytes.
    const acc = record.samples.filter((s) => s.status === 'accepted');
    const rej = record.samples.filter((s) => s.status === 'rejected');
    expect(acc).toHaveLength(8);
    expect(rej).toHaveLength(6);
    for (const s of record.samples) expect(read.section(s.thumb!).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('imports it into another project as a read-only foreign run with its origin', async () => {
    const before = await b.call<{ id: number }[]>('run.list', {});
    const r = await b.call<{ runId: number; alreadyImported: boolean; origin: Record<string, unknown> }>('bundle.import', { file: bundleFile });
    foreignId = r.runId;
    expect(r.alreadyImported).toBe(false);
    expect(r.origin).toMatchObject({ projectName: 'proj-a', projectPath: a.dir, runId: a.runIds[1], studioVersion: '0.1.0', formatVersion: 1 });
    expect(await b.call<unknown[]>('run.list', {})).toHaveLength(before.length + 1);
    expect(await b.call('bundle.foreign', {})).toEqual([{ runId: foreignId, origin: r.origin }]);
    // Compare treats it like its own.
    const cmp = await b.call<{ runs: { run: { id: number; name: string }; evaluations: unknown[] }[]; configDiff: { key: string }[] }>('compare.runs', { runIds: [b.runIds[1], foreignId] });
    expect(cmp.runs[1]!.run.name).toBe('ours-s1');
    expect(cmp.runs[1]!.evaluations).toHaveLength(2);
    expect(cmp.configDiff.map((d) => d.key)).toContain('generation.energySign');
    const curves = await b.call<unknown[]>('evaluation.curves', { runIds: [foreignId] });
    expect(curves).toHaveLength(2);
    const metrics = await b.call<{ name: string }[]>('run.metrics', { runIds: [foreignId] });
    expect(metrics.map((m) => m.name)).toEqual(['loss']);
    // Read-only: the database refuses changes, the run services refuse to train it.
    const db = b.studio.project!.db;
    expect(() => db.prepare("UPDATE runs SET name = 'renamed' WHERE id = ?").run(foreignId)).toThrow(/foreign run.*read-only/);
    expect(() =>
      db.prepare("INSERT INTO evaluations (run_id, ood_name, auroc, fpr95_mos, fpr95_openood, n_ind, n_ood, created_at) VALUES (?, 'x', 0.5, 0.5, 0.5, 1, 1, 0)").run(foreignId),
    ).toThrow(/read-only/);
    expect(() => db.prepare("INSERT INTO run_metrics (run_id, name, step, value) VALUES (?, 'loss', 999, 1)").run(foreignId)).toThrow(/read-only/);
    const stop = await b.studio.call('run.stop', { id: foreignId });
    expect(stop.ok).toBe(false);
  });

  it('compares the foreign run with intervals and p-values: paired by image content hash across projects', async () => {
    const s = await b.call<CompareStats>('compare.stats', { runIds: [b.runIds[1], foreignId] });
    expect(s.referenceId).toBe(b.runIds[1]);
    const foreign = s.runs[1]!;
    expect(foreign.origin?.projectName).toBe('proj-a');
    for (const c of foreign.sets) {
      expect(c.auroc!.lo).toBeLessThan(c.auroc!.estimate);
      expect(c.auroc!.hi).toBeGreaterThan(c.auroc!.estimate);
      expect(c.vsReference!.auroc.method).toBe('delong');
      expect(c.vsReference!.fpr95.method).toBe('paired-bootstrap');
      expect(c.vsReference!.auroc.p).toBeGreaterThan(0);
      expect(c.vsReference!.auroc.p).toBeLessThanOrEqual(1);
    }
    expect(foreign.average!.vsReference).not.toBeNull();
    // The DeLong p-value is the one computed directly on the two runs' score files.
    const scores = (dir: string, runId: number) => {
      const evDir = path.join(dir, 'runs', String(runId), 'evaluations');
      return fs
        .readdirSync(evDir)
        .sort()
        .map((f) => JSON.parse(fs.readFileSync(path.join(evDir, f), 'utf8')) as { ind: number[]; ood: number[] });
    };
    const mine = scores(b.dir, b.runIds[1]!)[0]!;
    const theirs = scores(a.dir, a.runIds[1]!)[0]!;
    const d = delongPaired(theirs.ind, theirs.ood, mine.ind, mine.ood);
    expect(foreign.sets[0]!.vsReference!.auroc.p).toBe(d.p);
    expect(foreign.sets[0]!.vsReference!.auroc.delta).toBe(d.delta);
    // Same kind and config, same training data manifest, seeds 2 and 1: one seed group with mean ± std.
    expect(s.seedGroups).toHaveLength(1);
    expect(s.seedGroups[0]).toMatchObject({ name: 'ours', runIds: [b.runIds[1], foreignId], seeds: [2, 1] });
    expect(s.seedGroups[0]!.sets[0]!.auroc.n).toBe(2);
    expect(s.seedGroups[0]!.sets[0]!.auroc.std).toBeGreaterThan(0);
  });

  it('exports the tables with intervals and † marks', async () => {
    const md = await b.call<{ text: string; file: string }>('compare.table', { runIds: [b.runIds[0], b.runIds[1], foreignId], format: 'markdown' });
    expect(md.text).toMatch(/\| B baseline \(reference\) \| \d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\]/);
    expect(md.text).toContain('(foreign: proj-a)');
    expect(md.text).toMatch(/\d\]†/);
    expect(md.text).toMatch(/ours \(2 seeds\) \| \d+\.\d\d ± \d+\.\d\d/);
    expect(fs.readFileSync(path.join(b.dir, md.file), 'utf8')).toBe(md.text);
    const tex = await b.call<{ text: string }>('compare.table', { runIds: [b.runIds[0], foreignId], format: 'latex' });
    expect(tex.text).toContain('$^\\dagger$');
    expect(tex.text).toContain('{\\scriptsize[');
  });

  it('finds an already imported bundle instead of adding it twice, and re-exports a foreign run byte for byte', async () => {
    const again = await b.call<{ runId: number; alreadyImported: boolean }>('bundle.import', { file: bundleFile });
    expect(again).toMatchObject({ runId: foreignId, alreadyImported: true });
    const out = path.join(t.dir, 'again.synood-run');
    await b.call('bundle.export', { runId: foreignId, out });
    expect(fs.readFileSync(out).equals(bundle)).toBe(true);
    const refused = await b.studio.call('bundle.export', { runId: foreignId, out });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('conflict');
  });

  it('takes a dropped file in pieces (the Compare drop target)', async () => {
    const c = await reviewProject(t.dir, 'proj-c', [{ name: 'C', separation: [1, 1] }], { nInd: 50, nOod: 40, candidates: 3 });
    try {
      const id = 'drop-test-0001';
      const step = Math.ceil(bundle.length / 3);
      for (let off = 0; off < bundle.length; off += step) await c.call('bundle.upload', { uploadId: id, offset: off, data: bundle.subarray(off, off + step).toString('base64') });
      const bad = await c.studio.call('bundle.upload', { uploadId: id, offset: 5, data: 'AAAA' });
      expect(bad.ok).toBe(false);
      const r = await c.call<{ runId: number; name: string }>('bundle.import', { uploadId: id });
      expect(r.name).toBe('ours-s1');
      expect(fs.existsSync(path.join(c.dir, '.tmp', 'uploads', `${id}.part`))).toBe(false);
      // Scored on other samples (50/40 images, other hashes): intervals yes, paired test no, with the reason.
      const s = await c.call<CompareStats>('compare.stats', { runIds: [c.runIds[0], r.runId] });
      expect(s.runs[1]!.sets[0]!.auroc).not.toBeNull();
      expect(s.runs[1]!.sets[0]!.vsReference).toBeNull();
      expect(s.runs[1]!.sets[0]!.note).toMatch(/not scored on the same samples/);
    } finally {
      await c.close();
    }
  });

  describe('refuses bad bundles with a message naming the problem, and writes nothing', () => {
    const attempt = async (bytes: Buffer) => {
      const db = b.studio.project!.db;
      const runsBefore = db.prepare('SELECT count(*) FROM runs').pluck().get();
      const evalsBefore = db.prepare('SELECT count(*) FROM evaluations').pluck().get();
      const filesBefore = listFiles(b.dir).filter((f) => !f.startsWith('synood.db'));
      const file = path.join(t.dir, 'bad.synood-run');
      fs.writeFileSync(file, bytes);
      const r = await b.studio.call('bundle.import', { file });
      expect(r.ok).toBe(false);
      expect(db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(runsBefore);
      expect(db.prepare('SELECT count(*) FROM evaluations').pluck().get()).toBe(evalsBefore);
      expect(listFiles(b.dir).filter((f) => !f.startsWith('synood.db'))).toEqual(filesBefore);
      if (r.ok) throw new Error('imported');
      expect(r.error.code).toBe('invalid_input');
      expect(r.error.message).toContain('nothing was imported');
      return r.error.message;
    };
    const withWholeHash = (body: Buffer) => Buffer.concat([body, crypto.createHash('sha256').update(body).digest()]);

    it('truncated', async () => {
      expect(await attempt(bundle.subarray(0, bundle.length - 1000))).toMatch(/is truncated: \d+ bytes, but its manifest declares \d+ bytes/);
      expect(await attempt(bundle.subarray(0, 30))).toMatch(/truncated/);
    });
    it('wrong version', async () => {
      const v2 = Buffer.from(bundle);
      v2.writeUInt32LE(2, 8);
      expect(await attempt(v2)).toMatch(/bundle format version 2, which is newer than this studio reads: update SynOOD Studio/);
    });
    it('not a bundle', async () => {
      expect(await attempt(Buffer.from('PK\u0003\u0004 a zip, not a bundle'))).toMatch(/is not a SynOOD run bundle/);
    });
    it('tampered bytes (whole-file hash)', async () => {
      const x = Buffer.from(bundle);
      x[x.length - 500]! ^= 0xff;
      expect(await attempt(x)).toMatch(/was tampered with or damaged: its SHA-256 is [0-9a-f]{64}, but it records [0-9a-f]{64}/);
    });
    it('tampered section with the whole-file hash recomputed', async () => {
      const x = Buffer.from(bundle.subarray(0, -32));
      x[x.length - 500]! ^= 0xff;
      expect(await attempt(withWholeHash(x))).toMatch(/was tampered with: section '[^']+' has SHA-256 [0-9a-f]{64}, but the manifest records/);
    });
    it('trailing data', async () => {
      expect(await attempt(Buffer.concat([bundle, Buffer.from('extra')]))).toMatch(/unexpected data after its end/);
    });
    it('a consistent bundle whose record breaks the contract', async () => {
      const bad = writeBundle({ createdAt: 1, studio: { name: 'x', version: '0' }, origin: { projectName: 'p', projectPath: '/p', runId: 1, runName: 'r' } }, [
        { name: RECORD_SECTION, data: Buffer.from(JSON.stringify({ run: { name: '' } })), encoding: 'gzip' },
      ]);
      expect(await attempt(bad)).toMatch(/invalid run record/);
    });
  });
});
