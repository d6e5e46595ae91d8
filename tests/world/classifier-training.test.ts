import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../src/main/onnx';
import { trainWorldClassifier } from '../../src/main/world/classifier/train-classifier';
import { trainableParams } from '../../src/main/world/classifier/trainable';

const hash = (m: Parameters<typeof saveModel>[0]) => createHash('sha256').update(saveModel(m)).digest('hex');

/** A small run (96 images, batches of 32): what matters here is reproducibility and resume, not accuracy. */
const SMALL = { trainImages: 96, batchSize: 32, epochs: 2, lr: 3e-3, intraOpNumThreads: 1 };

describe('world classifier training', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'world-cls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the same seed trains byte-identical weights; an interrupted run resumed from its checkpoint ends the same', async () => {
    const a = await trainWorldClassifier(SMALL);
    const b = await trainWorldClassifier(SMALL);
    expect(hash(b.model)).toBe(hash(a.model));
    expect(a.globalSteps).toBe(6);

    // Interrupted right after the first epoch's checkpoint, then resumed: the same weights as the run that never stopped.
    const ckpt = path.join(dir, 'c.ckpt');
    const stop = new AbortController();
    await expect(trainWorldClassifier({ ...SMALL, checkpointPath: ckpt, signal: stop.signal, onCheckpoint: () => stop.abort() })).rejects.toThrow();
    const resumed = await trainWorldClassifier({ ...SMALL, checkpointPath: ckpt, resume: true });
    expect(resumed.startedAtEpoch).toBe(1);
    expect(hash(resumed.model)).toBe(hash(a.model));
  }, 120_000);

  it('training changes the weights and lowers the loss below chance (ln 10)', async () => {
    const r = await trainWorldClassifier({ ...SMALL, epochs: 3 });
    expect(r.lastEpoch.loss).toBeLessThan(Math.log(10));
    const init = trainableParams((await import('../../src/main/world/classifier/architecture')).buildWorldClassifier(0));
    const trained = trainableParams(r.model);
    expect(trained.specs.map((s) => s.name)).toEqual(init.specs.map((s) => s.name));
    expect(trained.values[0]).not.toEqual(init.values[0]);
  }, 120_000);

  it('a checkpoint from other settings is refused with the setting named', async () => {
    const ckpt = path.join(dir, 'other.ckpt');
    await trainWorldClassifier({ ...SMALL, epochs: 1, checkpointPath: ckpt });
    await expect(trainWorldClassifier({ ...SMALL, epochs: 1, lr: 1e-2, checkpointPath: ckpt, resume: true })).rejects.toThrow(/'lr' differs/);
  }, 120_000);
});
