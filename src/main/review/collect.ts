import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { OpenProject } from '../project/project';
import type { Db } from '../store/db';
import { evaluationCurvesJson } from '../store/evaluations';
import { labelWordAndPos } from '../store/neg-labels';
import { modelHashes } from '../store/models';
import { allMetrics } from '../store/run-metrics';
import { latestEvaluations } from '../services/evaluation-rows';
import { parseJson, parseRecord } from '../services/json';
import { runDbRow } from '../services/run-rows';
import { EvaluationCurves } from '../../shared/api/routes/evaluations';
import { f64Bytes, sha256Hex, type SectionInput } from './bundle-format';
import { nativeRunSamples, type RunSamples } from './samples';
import { RECORD_SECTION, type Provenance, type RecordEvaluation, type RecordSample, type RunRecord } from './record';
import { sampleCandidate, sampleCandidatesWithStatus, type SampleCandidateRow } from '../store/candidate-reports';
import { candidateFilePath } from '../store/candidates';
import { datasetsOfKind } from '../store/datasets';
import { countSelectedUsable, indTrainContentKeys } from '../store/images';

/** Up to this many accepted and this many rejected candidates go into a bundle (and a report) as thumbnails. */
export const SAMPLE_THUMBS = 8;
const THUMB_EDGE = 160;

export interface CollectedRun {
  record: RunRecord;
  samples: RunSamples;
  /** Every section but record.json (scores, keys, thumbnails), content-addressed where it helps. */
  sections: SectionInput[];
  /** Thumbnail bytes by section name (also in `sections`). */
  thumbs: Map<string, { bytes: Buffer; mime: string }>;
}

function hashFile(file: string): string | null {
  try {
    const h = crypto.createHash('sha256');
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(1 << 20);
      for (;;) {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        h.update(buf.subarray(0, n));
      }
    } finally {
      fs.closeSync(fd);
    }
    return h.digest('hex');
  } catch {
    return null;
  }
}

interface TrainingItem {
  candidateId: number;
  sha256: string | null;
  label: string | null;
  pos: string | null;
}

/**
 * The curated training set's content hashes: each accepted candidate's image file and its negative label, from the
 * manifest the run froze when it was queued. Hashing thousands of images takes a while, so the result is kept
 * beside the run (runs/<id>/review-provenance.json), valid while the manifest's hash is unchanged.
 */
function trainingProvenance(db: Db, root: string, runsDir: string, runId: number, data: Record<string, unknown>): Provenance['trainingData'] {
  const manifestRel = typeof data.manifest === 'string' ? data.manifest : null;
  const manifestSha = typeof data.manifestSha256 === 'string' ? data.manifestSha256 : null;
  const empty = { manifest: manifestRel, manifestSha256: manifestSha, candidates: typeof data.acceptedCandidates === 'number' ? data.acceptedCandidates : 0, contentSha256: null, missingFiles: 0, items: [] };
  if (!manifestRel) return empty;
  const manifestFile = path.join(root, manifestRel);
  let body: string;
  try {
    body = fs.readFileSync(manifestFile, 'utf8');
  } catch {
    return empty;
  }
  const bodySha = sha256Hex(body);
  const cacheFile = path.join(runsDir, String(runId), 'review-provenance.json');
  const cached = parseJson<{ manifestSha256?: string; items?: TrainingItem[] } | null>(fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile, 'utf8') : null, null);
  let items: TrainingItem[];
  if (cached?.manifestSha256 === bodySha && Array.isArray(cached.items)) {
    items = cached.items;
  } else {
    const pairs = (parseJson<{ candidates?: [number, number][] }>(body, {}).candidates ?? []).filter((p) => Array.isArray(p) && p.length >= 1);
    items = pairs.map(([cid, lid]) => {
      const file = candidateFilePath(db, cid);
      const l = labelWordAndPos(db, lid);
      return { candidateId: cid, sha256: file ? hashFile(path.join(root, file)) : null, label: l?.word ?? null, pos: l?.pos ?? null };
    });
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      fs.writeFileSync(cacheFile, JSON.stringify({ manifestSha256: bodySha, items }));
    } catch {
      // A read-only project still exports; it only hashes again next time.
    }
  }
  const lines = [...items].sort((a, b) => a.candidateId - b.candidateId).map((i) => `${i.sha256 ?? '-'}\t${i.label ?? '-'}\t${i.pos ?? '-'}\n`);
  return {
    manifest: manifestRel,
    manifestSha256: manifestSha ?? bodySha,
    candidates: items.length,
    contentSha256: sha256Hex(lines.join('')),
    missingFiles: items.filter((i) => i.sha256 === null).length,
    items,
  };
}

function indTrainProvenance(db: Db): Provenance['indTrain'] {
  const sets = datasetsOfKind(db, 'ind-train');
  const anySelected = countSelectedUsable(db) > 0;
  const shas = indTrainContentKeys(db, anySelected);
  return { datasets: sets.map((s) => s.name), images: shas.length, contentSha256: shas.length ? sha256Hex(shas.join('\n')) : null };
}

/** Evenly spaced picks, deterministic: the first, the last and what lies between. */
function spread<T>(items: T[], k: number): T[] {
  if (items.length <= k) return items;
  return Array.from({ length: k }, (_, i) => items[Math.round((i * (items.length - 1)) / (k - 1))]!);
}

async function thumbBytes(root: string, thumbRel: string | null, fileRel: string): Promise<{ bytes: Buffer; mime: string } | null> {
  if (thumbRel) {
    try {
      const bytes = fs.readFileSync(path.join(root, thumbRel));
      const ext = path.extname(thumbRel).toLowerCase();
      return { bytes, mime: ext === '.png' ? 'image/png' : ext === '.webp' ? 'image/webp' : 'image/jpeg' };
    } catch {
      // fall through to the full image
    }
  }
  try {
    // A lazy require, not import(): under the CLI bundle (a vm.Script) an import() of sharp throws.
    const sharp = createRequire(__filename)('sharp') as typeof import('sharp').default;
    const bytes = await sharp(path.join(root, fileRel)).resize(THUMB_EDGE, THUMB_EDGE, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
    return { bytes, mime: 'image/jpeg' };
  } catch {
    return null;
  }
}

type CandRow = SampleCandidateRow;

/** Accepted candidates the run trained on (its manifest), rejected ones from curation, up to SAMPLE_THUMBS each. */
async function sampleCandidates(db: Db, root: string, items: TrainingItem[]): Promise<{ samples: RecordSample[]; thumbs: Map<string, { bytes: Buffer; mime: string }> }> {
  let accepted: CandRow[] = spread(items.map((i) => i.candidateId), SAMPLE_THUMBS * 4)
    .map((id) => sampleCandidate(db, id))
    .filter((r): r is CandRow => r !== undefined);
  if (accepted.length === 0) accepted = sampleCandidatesWithStatus(db, 'accepted');
  const rejected = sampleCandidatesWithStatus(db, 'rejected');
  const samples: RecordSample[] = [];
  const thumbs = new Map<string, { bytes: Buffer; mime: string }>();
  for (const [status, rows] of [
    ['accepted', spread(accepted, SAMPLE_THUMBS)],
    ['rejected', spread(rejected, SAMPLE_THUMBS)],
  ] as const) {
    for (const r of rows) {
      const t = await thumbBytes(root, r.thumb_path, r.file_path);
      const name = t ? `thumbs/${r.id}.${t.mime === 'image/png' ? 'png' : t.mime === 'image/webp' ? 'webp' : 'jpg'}` : null;
      if (t && name) thumbs.set(name, t);
      samples.push({
        candidateId: r.id,
        status,
        label: r.word,
        objective: r.objective,
        energy: r.energy,
        msp: r.msp,
        neglabelScore: r.neglabel_score,
        sourceClassProb: r.source_class_prob,
        labelMargin: r.label_margin,
        thumb: name,
        mime: t?.mime ?? null,
      });
    }
  }
  return { samples, thumbs };
}

/** Everything a bundle or a report needs about a run of this project. */
export async function collectNativeRun(project: OpenProject, runId: number): Promise<CollectedRun> {
  const { db, paths } = project;
  const r = runDbRow(db, runId);
  const data = parseRecord(r.data_json);
  const samples = nativeRunSamples(project, runId);
  const sections: SectionInput[] = [];
  const have = new Set<string>();
  const add = (prefix: string, ext: string, bytes: Uint8Array, encoding: SectionInput['encoding']): string => {
    const name = `${prefix}/${sha256Hex(bytes).slice(0, 32)}.${ext}`;
    if (!have.has(name)) {
      have.add(name);
      sections.push({ name, data: bytes, encoding });
    }
    return name;
  };
  const evaluationSamples: Provenance['evaluationSamples'] = [];
  const evaluations: RecordEvaluation[] = latestEvaluations(db, runId).map((e) => {
    const s = samples.sets.get(e.oodName);
    const curves = EvaluationCurves.safeParse(parseJson<unknown>(evaluationCurvesJson(db, e.id) ?? null, null));
    const keysJson = (k: string[] | null) => (k ? Buffer.from(JSON.stringify(k), 'utf8') : null);
    const indKeys = keysJson(s?.indKeys ?? null);
    const oodKeys = keysJson(s?.oodKeys ?? null);
    evaluationSamples.push({ oodName: e.oodName, indKeysSha256: indKeys ? sha256Hex(indKeys) : null, oodKeysSha256: oodKeys ? sha256Hex(oodKeys) : null });
    return {
      oodName: e.oodName,
      auroc: e.auroc,
      fpr95Mos: e.fpr95Mos,
      fpr95OpenOod: e.fpr95OpenOod,
      auprIn: e.auprIn,
      auprOut: e.auprOut,
      nInd: e.nInd,
      nOod: e.nOod,
      switches: e.switches,
      createdAt: e.createdAt,
      curves: curves.success ? curves.data : null,
      scores: s
        ? {
            ind: add('scores', 'f64', f64Bytes(s.ind), 'identity'),
            ood: add('scores', 'f64', f64Bytes(s.ood), 'identity'),
            indKeys: indKeys ? add('keys', 'json', indKeys, 'gzip') : null,
            oodKeys: oodKeys ? add('keys', 'json', oodKeys, 'gzip') : null,
          }
        : null,
    };
  });
  const training: RunRecord['training'] = [];
  for (const m of allMetrics(db, runId)) {
    let series = training[training.length - 1];
    if (!series || series.name !== m.name) training.push((series = { name: m.name, points: [] }));
    series.points.push({ step: m.step, epoch: m.epoch, value: m.value });
  }
  const trainingData = trainingProvenance(db, paths.root, paths.runs, runId, data);
  const { samples: picked, thumbs } = await sampleCandidates(db, paths.root, trainingData.items);
  for (const [name, t] of thumbs) {
    if (have.has(name)) continue;
    have.add(name);
    sections.push({ name, data: t.bytes, encoding: 'identity' });
  }
  const models = modelHashes(db);
  const record: RunRecord = {
    run: { id: r.id, name: r.name, kind: r.kind, status: r.status, seed: r.seed, error: r.error, createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at },
    config: parseRecord(r.config_json),
    data,
    modelHashes: parseRecord(r.model_hashes_json),
    evaluations,
    training,
    provenance: { trainingData, indTrain: indTrainProvenance(db), evaluationSamples, models },
    samples: picked,
  };
  return { record, samples, sections, thumbs };
}

/** record.json first, so a reader finds the description before the data. */
export function bundleSections(c: CollectedRun): SectionInput[] {
  return [{ name: RECORD_SECTION, data: Buffer.from(JSON.stringify(c.record), 'utf8'), encoding: 'gzip' }, ...c.sections];
}
