import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/main/pipeline/train/checkpoint';
import { trainLabelFeatures } from '../../src/main/pipeline/train/label-features-trainer';
import { trainProjection } from '../../src/main/pipeline/train/projection-trainer';
import { SeededRandom } from '../../src/main/pipeline/train/seeded-random';
import { separableClusters, uniformArray } from './synthetic-data';

const dir = mkdtempSync(join(tmpdir(), 'synood-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 20 samples at batch 6: three full batches and a partial one per epoch.
const clusters = separableClusters(21, 3, 7, 8);
const data = clusters.features.subarray(0, 20 * 8);
const targets = clusters.targets.subarray(0, 20);
const text = clusters.text;
const common = { epochs: 2, batchSize: 6, providers: ['cpu' as const] };

/** Runs until the first epoch's checkpoint is written, then stops the way a cancelled run stops. */
function abortAfterFirstCheckpoint(): { signal: AbortSignal; onCheckpoint: () => void } {
  const ctl = new AbortController();
  return { signal: ctl.signal, onCheckpoint: () => ctl.abort() };
}

describe('checkpoint and resume', () => {
  it('projection: 2 epochs straight equals 1 epoch + resume + 1 epoch, bit for bit', async () => {
    const input = { dim: 8, features: data, targets, textFeatures: text };
    const straight = await trainProjection(input, common);
    const path = join(dir, 'projection.ckpt');
    await expect(trainProjection(input, { ...common, checkpointPath: path, ...abortAfterFirstCheckpoint() })).rejects.toThrow(/abort/i);
    expect(readCheckpoint(path).epoch).toBe(1);
    const resumed = await trainProjection(input, { ...common, checkpointPath: path, resume: true });
    expect(resumed.startedAtEpoch).toBe(1);
    expect(resumed.globalSteps).toBe(straight.globalSteps);
    expect(Array.from(resumed.weights.weight)).toEqual(Array.from(straight.weights.weight));
    expect(Array.from(resumed.weights.bias)).toEqual(Array.from(straight.weights.bias));
    expect(Array.from(resumed.weights.lnWeight)).toEqual(Array.from(straight.weights.lnWeight));
    expect(Array.from(resumed.weights.lnBias)).toEqual(Array.from(straight.weights.lnBias));
    expect(readCheckpoint(path).epoch).toBe(2);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('label features: 2 epochs straight equals 1 epoch + resume + 1 epoch, bit for bit', async () => {
    const input = { dim: 8, imageFeatures: data, targets, labelFeatures: uniformArray(new SeededRandom(4), 3 * 8) };
    const straight = await trainLabelFeatures(input, common);
    const path = join(dir, 'labels.ckpt');
    await expect(trainLabelFeatures(input, { ...common, checkpointPath: path, ...abortAfterFirstCheckpoint() })).rejects.toThrow(/abort/i);
    const resumed = await trainLabelFeatures(input, { ...common, checkpointPath: path, resume: true });
    expect(resumed.startedAtEpoch).toBe(1);
    expect(Array.from(resumed.labelFeatures)).toEqual(Array.from(straight.labelFeatures));
  });

  it('refuses to resume a checkpoint of the other stage or with different settings', async () => {
    const path = join(dir, 'projection.ckpt');
    expect(existsSync(path)).toBe(true);
    await expect(
      trainLabelFeatures({ dim: 8, imageFeatures: data, targets, labelFeatures: uniformArray(new SeededRandom(4), 3 * 8) }, { ...common, checkpointPath: path, resume: true }),
    ).rejects.toThrow(/written by a 'projection' run/);
    await expect(
      trainProjection({ dim: 8, features: data, targets, textFeatures: text }, { ...common, lr: 5e-3, checkpointPath: path, resume: true }),
    ).rejects.toThrow(/setting 'lr' differs/);
  });
});
