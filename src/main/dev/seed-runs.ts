import type { Db } from '../store/db';
import { evaluationMetrics, insertEvaluation } from '../store/evaluations';
import { putMetric } from '../store/run-metrics';
import { insertRun } from '../store/runs';
import { computeOodMetrics, downsampleCurve, rocCurve, scoreHistogram } from '../ood';
import { gaussian, mulberry32 } from './seed-random';

export const SEED_OOD_SETS = ['iNaturalist', 'SUN', 'Places', 'Textures'];

interface SeedRun {
  kind: 'zero-shot' | 'projection' | 'labels';
  name: string;
  config: Record<string, unknown>;
  /** Per-OOD-set separation (in InD standard deviations) of the synthetic scores: sets the AUROC. */
  separation: number[];
  epochs: number;
}

const RUNS: SeedRun[] = [
  { kind: 'zero-shot', name: 'NegLabel (zero-shot)', config: { method: 'neglabel', groups: 100, percentile: 0.95, keepFraction: 0.15 }, separation: [2.9, 2.1, 1.9, 2.0], epochs: 0 },
  {
    kind: 'projection',
    name: 'SynOOD stage 1 (projection)',
    config: { stage: 'projection', optimizer: 'adam', lr: 1e-3, minLr: 1e-5, weightDecay: 1e-5, epochs: 3, batchSize: 128 },
    separation: [3.2, 2.5, 2.3, 2.6],
    epochs: 3,
  },
  {
    kind: 'labels',
    name: 'SynOOD stage 2 (labels)',
    config: { stage: 'labels', optimizer: 'sgd', lr: 2e-2, momentum: 0.9, weightDecay: 1e-5, epochs: 5, batchSize: 128 },
    separation: [3.4, 2.7, 2.5, 2.9],
    epochs: 5,
  },
  {
    kind: 'labels',
    name: 'Stage 2, paper lr 2e-3',
    config: { stage: 'labels', optimizer: 'sgd', lr: 2e-3, momentum: 0.9, weightDecay: 1e-5, epochs: 5, batchSize: 128 },
    separation: [3.1, 2.3, 2.2, 2.4],
    epochs: 5,
  },
];

/** Runs with training curves and evaluations whose metrics are computed (by the OOD core) from synthetic score sets. */
export function seedRuns(db: Db, seed: number, oodDatasetIds: number[], data: Record<string, unknown>): number[] {
  const rand = mulberry32(seed + 7);
  const normal = gaussian(rand);
  const ids: number[] = [];
  const t0 = Date.now() - 3600_000 * RUNS.length;
  RUNS.forEach((r, k) => {
    const created = t0 + k * 3600_000;
    const trained = r.kind !== 'zero-shot';
    const runId = insertRun(db, {
      kind: r.kind,
      name: r.name,
      configJson: JSON.stringify(r.config),
      seed,
      modelHashesJson: JSON.stringify({ clip: 'seeded-clip-vit-b16', ...(trained ? { classifier: 'seeded-resnet50' } : {}) }),
      dataJson: JSON.stringify(trained ? data : {}),
      status: 'completed',
      checkpointPath: trained ? `runs/${k + 1}/checkpoint.json` : null,
      createdAt: created,
      startedAt: created + 1000,
      finishedAt: created + 1000 + r.epochs * 600_000,
    });
    ids.push(runId);
    const stepsPerEpoch = 390;
    for (let step = 0; r.epochs > 0 && step <= r.epochs * stepsPerEpoch; step += 10) {
      const epoch = Math.min(r.epochs, Math.floor(step / stepsPerEpoch) + 1);
      const p = step / (r.epochs * stepsPerEpoch);
      putMetric(db, runId, 'loss', step, epoch, 2.4 * Math.exp(-3 * p) + 0.35 + 0.05 * normal());
      putMetric(db, runId, 'accuracy', step, epoch, Math.min(1, 0.35 + 0.55 * (1 - Math.exp(-4 * p)) + 0.02 * normal()));
      const lr = Number(r.config.lr);
      const minLr = Number(r.config.minLr ?? 0);
      putMetric(db, runId, 'lr', step, epoch, minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * p)));
    }
    const ind = Float64Array.from({ length: 1500 }, () => normal());
    SEED_OOD_SETS.forEach((name, s) => {
      const ood = Float64Array.from({ length: 800 }, () => normal() * 1.1 - r.separation[s]!);
      const m = computeOodMetrics(ind, ood);
      const roc = downsampleCurve(rocCurve(ind, ood), 200);
      const hist = scoreHistogram(ind, ood, 40);
      const curves = { roc: { fpr: [...roc.fpr], tpr: [...roc.tpr] }, hist: { edges: [...hist.edges], ind: [...hist.ind], ood: [...hist.ood] } };
      insertEvaluation(db, {
        runId,
        oodDatasetId: oodDatasetIds[s] ?? null,
        oodName: name,
        ...evaluationMetrics(m),
        switchesJson: JSON.stringify(trained ? { projection: r.kind === 'projection', tunedLabels: r.kind === 'labels' } : { projection: false, tunedLabels: false }),
        curvesJson: JSON.stringify(curves),
        createdAt: created + 2000,
      });
    });
  });
  return ids;
}
