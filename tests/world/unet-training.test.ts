import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../src/main/onnx';
import { buildWorldUnet } from '../../src/main/world/diffusion/architecture';
import { readWordEmbeddings } from '../../src/main/world/diffusion/text-states';
import { trainWorldUnet } from '../../src/main/world/diffusion/train-unet';

const hash = (m: Parameters<typeof saveModel>[0]) => createHash('sha256').update(saveModel(m)).digest('hex');
const WORDS = readWordEmbeddings(path.join(__dirname, '../../resources/world/clip-text.onnx'));
/** A tiny run (16 images, batches of 8, 2 epochs): reproducibility and resume, not quality. */
const SMALL = { wordEmbeddings: WORDS, trainImages: 16, batchSize: 8, epochs: 2, intraOpNumThreads: 1 };

describe('world UNet training', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'world-unet-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('changes the weights; an interrupted run resumed from its checkpoint ends byte-identical to one that never stopped', async () => {
    const a = await trainWorldUnet(SMALL);
    expect(hash(a.model)).not.toBe(hash(buildWorldUnet(0)));
    expect(Number.isFinite(a.lastEpochLoss)).toBe(true);

    const ckpt = path.join(dir, 'u.ckpt');
    const stop = new AbortController();
    await expect(trainWorldUnet({ ...SMALL, checkpointPath: ckpt, signal: stop.signal, onCheckpoint: () => stop.abort() })).rejects.toThrow();
    const resumed = await trainWorldUnet({ ...SMALL, checkpointPath: ckpt, resume: true });
    expect(resumed.startedAtEpoch).toBe(1);
    expect(hash(resumed.model)).toBe(hash(a.model));
  }, 240_000);
});
