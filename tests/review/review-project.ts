import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Studio } from '../../src/main/root';
import { computeOodMetrics, downsampleCurve, rocCurve, scoreHistogram } from '../../src/main/ood';
import { mulberry32 } from '../../src/main/random/mulberry32';
import { writeImage } from '../helpers/images';

/**
 * A project with evaluated runs as the evaluate job leaves them, without running any model: InD/OOD test datasets
 * whose images carry content hashes (the same in every project built with the same `samples` seed, as when two
 * projects import the same files), runs with training curves, a training-data manifest, evaluation rows computed
 * by the OOD core and the per-sample score files beside them, and curated candidates with thumbnails.
 */
export interface ReviewRunSpec {
  name: string;
  kind?: 'zero-shot' | 'projection' | 'labels';
  seed?: number;
  config?: Record<string, unknown>;
  /** InD shift per OOD set (sets the AUROC). */
  separation: number[];
  /** Per-run noise on top of the per-sample difficulty shared by all runs (0: every run ranks samples alike). */
  noise?: number;
  /** Leave the score files out (as the dev seeder does). */
  noScores?: boolean;
}

export interface ReviewProject {
  studio: Studio;
  dir: string;
  runIds: number[];
  call: <T = unknown>(route: string, input: unknown) => Promise<T>;
  close: () => Promise<void>;
}

export const OOD_SETS = ['iNaturalist', 'Textures'];

const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

export async function reviewProject(root: string, name: string, runs: ReviewRunSpec[], o: { nInd?: number; nOod?: number; samples?: number; candidates?: number } = {}): Promise<ReviewProject> {
  const nInd = o.nInd ?? 400;
  const nOod = o.nOod ?? 300;
  const studio = new Studio({ transport: 'direct', homeDir: path.join(root, 'home') });
  const call = async <T,>(route: string, input: unknown): Promise<T> => {
    const r = await studio.call(route, input);
    if (!r.ok) throw new Error(`${route}: ${r.error.message}`);
    return r.value as T;
  };
  const dir = path.join(root, name);
  await call('project.create', { dir, name });
  const { db } = studio.project!;
  const now = Date.now();

  // Candidate images and thumbnails (files first, rows after).
  const nCand = o.candidates ?? 20;
  for (let i = 0; i < nCand; i++) {
    await writeImage(path.join(dir, `candidates/c${i}.png`), 300 + i, 32);
    await writeImage(path.join(dir, `thumbs/candidates/c${i}.png`), 300 + i, 16);
  }

  const runIds = db.transaction(() => {
    const dataset = (n: string, kind: string) => Number(db.prepare("INSERT INTO datasets (name, kind, source_path, source_json, created_at) VALUES (?, ?, '/src', '{}', ?)").run(n, kind, now).lastInsertRowid);
    const insImage = db.prepare('INSERT INTO images (dataset_id, class_id, path, width, height, bytes, sha256, skip_reason, thumb_path) VALUES (?, ?, ?, 32, 32, 100, ?, NULL, NULL)');
    const train = dataset('train', 'ind-train');
    const cls = Number(db.prepare("INSERT INTO classes (dataset_id, name, idx) VALUES (?, 'cat', 0)").run(train).lastInsertRowid);
    for (let i = 0; i < 10; i++) insImage.run(train, cls, `datasets/train/${i}.png`, sha(`train-${i}`));
    const ind = dataset('ind-test', 'ind-test');
    for (let i = 0; i < nInd; i++) insImage.run(ind, null, `datasets/ind-test/${i}.png`, sha(`ind-${i}`));
    const oodIds = OOD_SETS.map((s) => {
      const id = dataset(s, 'ood-test');
      for (let i = 0; i < nOod; i++) insImage.run(id, null, `datasets/${s}/${i}.png`, sha(`${s}-${i}`));
      return id;
    });
    db.prepare("INSERT INTO models (role, path, sha256, signature_json, created_at) VALUES ('clip', 'models/clip.onnx', ?, '{}', ?)").run(sha('clip'), now);
    const labelIds = ['bamboo', 'tree', 'house'].map((w) => Number(db.prepare("INSERT INTO neg_labels (word, pos, template, selected) VALUES (?, 'noun', 'the nice {}', 1)").run(w).lastInsertRowid));
    const insCand = db.prepare(
      "INSERT INTO candidates (seed, objective, config_json, energy, msp, neglabel_score, source_class_prob, status, label_id, label_source, label_margin, file_path, thumb_path, created_at) VALUES (?, 'official', ?, ?, ?, ?, ?, ?, ?, 'model', 0.1, ?, ?, ?)",
    );
    const accepted: [number, number][] = [];
    for (let i = 0; i < nCand; i++) {
      const status = i % 3 === 2 ? 'rejected' : 'accepted';
      const lid = labelIds[i % 3]!;
      const id = Number(
        insCand.run(i, JSON.stringify({ semantics: { energySign: 'paper' } }), -8 + i * 0.1, 0.3, 0.2 + i * 0.01, 0.05 * (i % 7), status, lid, `candidates/c${i}.png`, `thumbs/candidates/c${i}.png`, now).lastInsertRowid,
      );
      if (status === 'accepted') accepted.push([id, lid]);
    }

    // Per-sample difficulty shared by every run: the same images are hard for every detector.
    const rs = mulberry32(o.samples ?? 1);
    const gauss = (r: () => number) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    const baseInd = Array.from({ length: nInd }, () => gauss(rs));
    const baseOod = OOD_SETS.map(() => Array.from({ length: nOod }, () => gauss(rs)));

    const ids: number[] = [];
    runs.forEach((spec, k) => {
      const kind = spec.kind ?? 'labels';
      const config = spec.config ?? { stage: 'labels', optimizer: 'sgd', lr: 2e-2, momentum: 0.9, weightDecay: 1e-5, epochs: 2, batchSize: 128, lrSchedule: 'per-step' };
      const manifest = JSON.stringify({ candidates: accepted });
      const runId = Number(
        db
          .prepare("INSERT INTO runs (kind, name, config_json, seed, model_hashes_json, data_json, status, created_at, started_at, finished_at) VALUES (?, ?, ?, ?, ?, '{}', 'completed', ?, ?, ?)")
          .run(kind, spec.name, JSON.stringify(config), spec.seed ?? 0, JSON.stringify({ clip: sha('clip') }), now + k, now + k, now + k + 1).lastInsertRowid,
      );
      const rel = `runs/${runId}/train-data.json`;
      fs.mkdirSync(path.join(dir, 'runs', String(runId)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), manifest);
      const data = { acceptedCandidates: accepted.length, labels: 3, promptVersions: 0, indImages: 10, manifest: rel, manifestSha256: sha(manifest), generation: { objective: 'official', energySign: 'paper' } };
      db.prepare('UPDATE runs SET data_json = ? WHERE id = ?').run(JSON.stringify(data), runId);
      for (let step = 0; step <= 40; step += 5) db.prepare("INSERT INTO run_metrics (run_id, name, step, epoch, value) VALUES (?, 'loss', ?, 1, ?)").run(runId, step, 2 * Math.exp(-step / 20) + 0.1 * k);
      const rr = mulberry32(1000 + (spec.seed ?? 0) * 7 + k);
      const noise = spec.noise ?? 0.5;
      const indScores = baseInd.map((b) => Math.fround(b + noise * gauss(rr)));
      const jobId = 100 + k;
      OOD_SETS.forEach((set, s) => {
        const ood = baseOod[s]!.map((b) => Math.fround(b - spec.separation[s]! + noise * gauss(rr)));
        const m = computeOodMetrics(indScores, ood);
        const roc = downsampleCurve(rocCurve(indScores, ood), 200);
        const hist = scoreHistogram(indScores, ood, 30);
        const curves = { roc: { fpr: [...roc.fpr], tpr: [...roc.tpr] }, hist: { edges: [...hist.edges], ind: [...hist.ind], ood: [...hist.ood] } };
        const switches = { projection: kind === 'projection', tunedLabels: kind === 'labels', ngroups: 100, indDatasets: ['ind-test'] };
        db.prepare(
          'INSERT INTO evaluations (run_id, ood_dataset_id, ood_name, auroc, fpr95_mos, fpr95_openood, aupr_in, aupr_out, n_ind, n_ood, switches_json, curves_json, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        ).run(runId, oodIds[s], set, m.auroc, m.fpr95Mos, m.fpr95OpenOod, m.auprIn, m.auprOut, m.nInd, m.nOod, JSON.stringify(switches), JSON.stringify(curves), now + k);
        if (!spec.noScores) {
          const f = path.join(dir, 'runs', String(runId), 'evaluations', `job-${jobId}-ood-${oodIds[s]}.json`);
          fs.mkdirSync(path.dirname(f), { recursive: true });
          fs.writeFileSync(f, JSON.stringify({ ind: indScores, ood, switches }));
        }
      });
      ids.push(runId);
    });
    return ids;
  })();
  return {
    studio,
    dir,
    runIds,
    call,
    close: () => studio.close(),
  };
}

/** Every file under `dir`, relative, sorted (to check that a refused import wrote nothing). */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}
