import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint } from '../../src/main/pipeline/train/checkpoint';
import { trainLabelFeatures } from '../../src/main/pipeline/train/label-features-trainer';
import { trainProjection } from '../../src/main/pipeline/train/projection-trainer';
import { TrainingDivergedError } from '../../src/main/pipeline/train/training-loop';
import { separableClusters } from './synthetic-data';

const dir = mkdtempSync(join(tmpdir(), 'synood-fail-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cpu = { providers: ['cpu' as const] };

describe('divergence', () => {
  it('a NaN loss in epoch 2 stops the run naming epoch and step, and leaves the epoch-1 checkpoint intact', async () => {
    const { features, targets, text } = separableClusters(3, 3, 8, 8);
    const path = join(dir, 'nan.ckpt');
    let caught: unknown;
    try {
      await trainProjection(
        { dim: 8, features, targets, textFeatures: text },
        {
          ...cpu,
          epochs: 3,
          batchSize: 24,
          checkpointPath: path,
          // A corrupted feature arriving after epoch 1 (e.g. a bad cache row): every batch now contains it.
          onCheckpoint: () => features.fill(Number.NaN, 0, 8),
        },
      );
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TrainingDivergedError);
    expect((caught as Error).message).toMatch(/loss is NaN at epoch 2, step 1 /);
    const ck = readCheckpoint(path);
    expect(ck.epoch).toBe(1);
    expect(Object.values(ck.params).every((p) => p.every(Number.isFinite))).toBe(true);
  });

  it('stage 2 stops on a non-finite input at its first step', async () => {
    const { features, targets } = separableClusters(3, 3, 8, 8);
    features[5] = Number.POSITIVE_INFINITY;
    await expect(
      trainLabelFeatures({ dim: 8, imageFeatures: features, targets, labelFeatures: new Float32Array(3 * 8).fill(0.5) }, { ...cpu, batchSize: 24 }),
    ).rejects.toThrow(/at epoch 1, step 1 /);
  });
});

describe('input errors name what is wrong', () => {
  const { features, targets, text } = separableClusters(3, 3, 4, 8);

  it('empty class set', async () => {
    await expect(trainProjection({ dim: 8, features, targets, textFeatures: new Float32Array(0) }, cpu)).rejects.toThrow(/set is empty/);
    await expect(trainLabelFeatures({ dim: 8, imageFeatures: features, targets, labelFeatures: new Float32Array(0) }, cpu)).rejects.toThrow(/assigned negative labels set is empty/);
  });

  it('zero training samples', async () => {
    await expect(trainProjection({ dim: 8, features: new Float32Array(0), targets: new Int32Array(0), textFeatures: text }, cpu)).rejects.toThrow(/zero training samples/);
  });

  it('mismatched feature sizes', async () => {
    await expect(trainProjection({ dim: 8, features: features.subarray(0, 20), targets, textFeatures: text }, cpu)).rejects.toThrow(/image features have 20 values, not a multiple of the feature size 8/);
    await expect(trainProjection({ dim: 8, features, targets, textFeatures: text.subarray(0, 12) }, cpu)).rejects.toThrow(/text features have 12 values/);
    await expect(trainProjection({ dim: 8, features, targets: targets.subarray(1), textFeatures: text }, cpu)).rejects.toThrow(/12 image features but 11 targets/);
  });

  it('targets outside the class set', async () => {
    const bad = targets.slice();
    bad[2] = 7;
    await expect(trainProjection({ dim: 8, features, targets: bad, textFeatures: text }, cpu)).rejects.toThrow(/target 2 is 7, outside 0..2/);
  });
});
