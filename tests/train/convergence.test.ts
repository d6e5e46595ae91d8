import { describe, expect, it } from 'vitest';
import { trainLabelFeatures } from '../../src/main/pipeline/train/label-features-trainer';
import { trainProjection } from '../../src/main/pipeline/train/projection-trainer';
import { SeededRandom } from '../../src/main/pipeline/train/seeded-random';
import type { StepMetrics } from '../../src/main/pipeline/train/training-loop';
import { separableClusters, uniformArray } from './synthetic-data';

// Short runs on separable synthetic clusters whose text features start unrelated to them: both stages must
// drive the cross-entropy from far above log(C) to near zero.
describe('fine-tuning on separable synthetic features', () => {
  const data = separableClusters(5, 4, 16, 16);

  it('stage 1 (projection, Adam) reaches near-zero loss and full accuracy', async () => {
    const steps: StepMetrics[] = [];
    const res = await trainProjection(
      { dim: 16, features: data.features, targets: data.targets, textFeatures: data.text },
      { epochs: 60, batchSize: 16, lr: 2e-2, providers: ['cpu'], onStep: (m) => steps.push(m) },
    );
    expect(steps[0]!.loss).toBeGreaterThan(Math.log(4));
    const last = steps.slice(-4);
    expect(Math.max(...last.map((m) => m.loss))).toBeLessThan(0.05);
    expect(last.every((m) => m.accuracy === 1)).toBe(true);
    expect(res.globalSteps).toBe(60 * 4);
    // Cosine per step from the base lr down towards eta_min.
    expect(steps[0]!.lr).toBe(2e-2);
    expect(steps.at(-1)!.lr).toBeLessThan(2e-5);
  });

  it('stage 2 (label features, SGD momentum) reaches near-zero loss and full accuracy', async () => {
    const steps: StepMetrics[] = [];
    const res = await trainLabelFeatures(
      { dim: 16, imageFeatures: data.features, targets: data.targets, labelFeatures: uniformArray(new SeededRandom(9), 4 * 16) },
      { epochs: 20, batchSize: 16, providers: ['cpu'], onStep: (m) => steps.push(m) },
    );
    expect(steps[0]!.loss).toBeGreaterThan(Math.log(4));
    expect(Math.max(...steps.slice(-4).map((m) => m.loss))).toBeLessThan(0.01);
    expect(steps.slice(-4).every((m) => m.accuracy === 1)).toBe(true);
    expect(res.settings.lr).toBe(2e-2);
    expect(res.settings.lrSource).toBe('code');
    expect(res.labelFeatures.length).toBe(4 * 16);
  });
});
