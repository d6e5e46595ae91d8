import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModel, insertModel } from '../../src/main/models';
import { writeTinyClip } from '../../src/main/onnx/factory';
import type { Studio } from '../../src/main/root';
import type { Run } from '../../src/shared/api/routes/runs';
import { tmpDir } from '../helpers/tmp';
import { openDb, openStudio, seededProject, value } from './seeded';

describe('export scorer', () => {
  const t = tmpDir('synood-export-scorer-');
  const proj = path.join(t.dir, 'proj');
  let studio: Studio;

  beforeAll(async () => {
    await seededProject(proj, { candidates: 4, pictures: 2 });
    const clip = path.join(t.dir, 'tiny-clip');
    writeTinyClip(clip, { imageSize: 16, patchSize: 8, seed: 11 });
    const db = openDb(proj);
    // The seeder's model rows point at files that do not exist; a real tiny CLIP becomes the current one.
    insertModel(db, (await importModel({ role: 'clip', source: clip, provider: 'cpu' })).record);
    db.close();
    studio = await openStudio(path.join(t.dir, 'home'), proj);
  }, 60_000);
  afterAll(async () => {
    await studio.close();
    t.cleanup();
  });

  it("writes the zero-shot baseline's scorer.onnx atomically; it loads and scores an image", async () => {
    const run = value<Run>(await studio.call('run.baseline', {}));
    const out = path.join(t.dir, 'exports', 'scorer.onnx');
    const r = value<{ file: string; used: Record<string, unknown> }>(await studio.call('export.scorer', { runId: run.id, out }));
    expect(r.file).toBe(out);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['scorer.onnx']);
    const session = await ort.InferenceSession.create(out);
    expect(session.inputNames).toEqual(['pixel_values']);
    expect(session.outputNames).toContain('ood_score');
    const pixels = new ort.Tensor('float32', new Float32Array(3 * 16 * 16).fill(0.25), [1, 3, 16, 16]);
    const score = (await session.run({ pixel_values: pixels })).ood_score!.data as Float32Array;
    expect(score).toHaveLength(1);
    expect(Number.isFinite(score[0]!)).toBe(true);
    await session.release();

    const again = await studio.call('export.scorer', { runId: run.id, out });
    expect(!again.ok && again.error.code).toBe('conflict');
    const missing = await studio.call('export.scorer', { runId: 9999, out: path.join(t.dir, 'x.onnx') });
    expect(!missing.ok && missing.error.code).toBe('not_found');
  }, 60_000);
});
