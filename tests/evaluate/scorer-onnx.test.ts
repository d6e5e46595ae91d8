import * as ort from 'onnxruntime-node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModel, tensorToArray } from '../../src/main/onnx';
import { writeTinyClip } from '../../src/main/onnx/factory';
import { planNegativeGroups } from '../../src/main/ood/scores';
import { matrix } from '../../src/main/ood/matrix';
import { negLabelScore } from '../../src/main/ood/scores';
import { buildScorerHead } from '../../src/main/pipeline/evaluate/scorer-head';
import { exportScorerOnnx } from '../../src/main/pipeline/evaluate/scorer-export';
import { synoodScore } from '../../src/main/pipeline/evaluate/synood-score';
import { negativesWithTunedLabels } from '../../src/main/pipeline/evaluate/tuned-model';
import { preprocessInto } from '../../src/main/pipeline/features/clip-preprocess';
import { createOnnxClipEncoder } from '../../src/main/pipeline/features/onnx-clip-encoder';
import { initProjection } from '../../src/main/pipeline/train/projection-weights';
import { SeededRandom } from '../../src/main/pipeline/train/seeded-random';

const dir = mkdtempSync(join(tmpdir(), 'synood-scorer-'));
const modelDir = join(dir, 'tiny-clip');
const visionPath = join(modelDir, 'onnx', 'vision_model.onnx');
const images: string[] = [];
const D = 16;
let pixels: Float32Array;

beforeAll(async () => {
  writeTinyClip(modelDir, { seed: 8 });
  for (let k = 0; k < 6; k++) {
    const [w, h] = [33 + 5 * k, 48 - 2 * k];
    const raw = Buffer.from(Array.from({ length: w * h * 3 }, (_, i) => (i * (2 * k + 1) + ((i / 3) % w) * 9) % 256));
    images.push(join(dir, `img${k}.png`));
    writeFileSync(images[k]!, await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer());
  }
  pixels = new Float32Array(images.length * 3 * 32 * 32);
  for (let i = 0; i < images.length; i++) await preprocessInto(images[i]!, 'clip', 32, pixels, i * 3 * 32 * 32);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rand(rng: SeededRandom, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

describe('scorer.onnx', () => {
  const rng = new SeededRandom(77);
  const classes = rand(rng, 5 * D);
  const negatives = rand(rng, 43 * D); // 43 negatives in 10 groups: 3 dropped
  const projection = initProjection(D, rng);
  projection.lnWeight.forEach((_, i) => (projection.lnWeight[i] = rng.uniform(0.5, 1.5)));
  projection.lnBias.forEach((_, i) => (projection.lnBias[i] = rng.uniform(-0.2, 0.2)));
  const tunedLabels = { indices: [4, 17, 40, 9], features: rand(rng, 4 * D) };
  const grouping = { ngroups: 10, seed: 3 };

  for (const switches of [
    { useProjection: true, useTunedLabels: true },
    { useProjection: false, useTunedLabels: false },
  ]) {
    it(`pixel_values → score equals the TS pipeline within 1e-4 (projection ${switches.useProjection}, tuned labels ${switches.useTunedLabels})`, async () => {
      const encoder = await createOnnxClipEncoder({ visionModelPath: visionPath, preprocessing: 'clip', providers: ['cpu'] });
      const features = await encoder.encodeImages(images);
      await encoder.release();
      const ts = synoodScore({ dim: D, images: features, classes, negatives }, { projection, tunedLabels }, switches, grouping);

      const outPath = join(dir, `scorer-${switches.useProjection}.onnx`);
      exportScorerOnnx({
        visionModel: visionPath,
        dim: D,
        classes,
        negatives: switches.useTunedLabels ? negativesWithTunedLabels(negatives, D, tunedLabels) : negatives,
        projection: switches.useProjection ? projection : undefined,
        ...grouping,
        outPath,
      });
      // A plain onnxruntime session on the file alone: nothing else is needed to score.
      const session = await ort.InferenceSession.create(outPath, { executionProviders: ['cpu'] });
      expect(session.inputNames).toEqual(['pixel_values']);
      expect(session.outputNames).toEqual(['ood_score']);
      const out = await session.run({ pixel_values: new ort.Tensor('float32', pixels, [images.length, 3, 32, 32]) });
      await session.release();
      const onnxScores = out.ood_score!.data as Float32Array;
      expect(onnxScores.length).toBe(images.length);
      onnxScores.forEach((s, i) => expect(Math.abs(s - ts.scores[i]!)).toBeLessThan(1e-4));
      // Scores spread inside (0, 1), so the comparison is not between saturated values.
      expect(Math.max(...ts.scores) - Math.min(...ts.scores)).toBeGreaterThan(0.01);
    });
  }

  it('bakes the group permutation as a Gather index', () => {
    const model = exportScorerOnnx({ visionModel: visionPath, dim: D, classes, negatives, ...grouping });
    const order = Array.from(planNegativeGroups(43, 10, 3).order);
    const gathers = model.graph!.node!.filter((n) => n.opType === 'Gather' && n.name!.startsWith('synood_head/'));
    const indexNames = new Set(gathers.map((n) => n.input![1]));
    const baked = model.graph!.initializer!.filter((t) => indexNames.has(t.name!)).map((t) => Array.from(tensorToArray(t) as BigInt64Array, Number));
    expect(baked).toContainEqual(order);
  });

  it('the head stays finite and exact when groups sit hundreds of logits apart (temperature 0.05)', async () => {
    // With 100/0.05 = 2000 × cos, exp(logit − global max) underflows for whole groups; per-group maxima do not.
    const head = buildScorerHead({ dim: D, classes, negatives, ngroups: 10, seed: 3, temperature: 0.05 });
    const emb = rand(rng, 8 * D);
    const out = await runModel(head, { image_embeds: new ort.Tensor('float32', emb, [8, D]) });
    const ref = negLabelScore(matrix(emb, 8, D), matrix(classes, 5, D), matrix(negatives, 43, D), { normalize: true, ngroups: 10, seed: 3, temperature: 0.05 });
    (out.ood_score!.data as Float32Array).forEach((s, i) => {
      expect(Number.isFinite(s)).toBe(true);
      expect(Math.abs(s - ref[i]!)).toBeLessThan(1e-4);
    });
  });
});
