import { z } from 'zod';
import { EvaluationCurves } from '../../shared/api/routes/evaluations';

/**
 * What a run bundle holds about its run (the `record.json` section, gzip'd JSON), validated on import. Large arrays
 * live in their own sections and are named here: per-sample scores as float64 (`scores/<sha>.f64`), sample keys
 * as JSON string lists (`keys/<sha>.json`), thumbnails as image bytes (`thumbs/<candidate>.<ext>`). Sections are
 * content-addressed, so the InD scores shared by every OOD set of an evaluation are stored once.
 */
export const RECORD_SECTION = 'record.json';

const Num = z.number();
const NullableNum = z.number().nullable();

export const RecordEvaluation = z.object({
  oodName: z.string(),
  auroc: Num,
  fpr95Mos: Num,
  fpr95OpenOod: Num,
  auprIn: NullableNum,
  auprOut: NullableNum,
  nInd: z.number().int().min(1),
  nOod: z.number().int().min(1),
  /** The scoring switches recorded with the evaluation (paper-vs-code choices of §8). */
  switches: z.record(z.string(), z.unknown()),
  createdAt: Num,
  curves: EvaluationCurves.nullable(),
  /** Section names of the per-sample scores and their keys; null when the evaluation kept no scores. */
  scores: z.object({ ind: z.string(), ood: z.string(), indKeys: z.string().nullable(), oodKeys: z.string().nullable() }).nullable(),
});
export type RecordEvaluation = z.infer<typeof RecordEvaluation>;

export const RecordSample = z.object({
  candidateId: z.number().int(),
  status: z.enum(['accepted', 'rejected']),
  label: z.string().nullable(),
  objective: z.string(),
  energy: NullableNum,
  msp: NullableNum,
  neglabelScore: NullableNum,
  sourceClassProb: NullableNum,
  labelMargin: NullableNum,
  /** Thumbnail section, or null when the candidate had none. */
  thumb: z.string().nullable(),
  mime: z.string().nullable(),
});
export type RecordSample = z.infer<typeof RecordSample>;

export const TrainingItem = z.object({ candidateId: z.number().int(), sha256: z.string().nullable(), label: z.string().nullable(), pos: z.string().nullable() });

export const Provenance = z.object({
  trainingData: z.object({
    /** runs/<id>/train-data.json as the run recorded it, and its hash (data_json.manifestSha256). */
    manifest: z.string().nullable(),
    manifestSha256: z.string().nullable(),
    candidates: z.number().int(),
    /** SHA-256 over "<image sha256>\t<label>\t<pos>" lines, by candidate id: one hash for the whole curated set. */
    contentSha256: z.string().nullable(),
    /** Candidates whose image file was gone when the bundle was written. */
    missingFiles: z.number().int(),
    items: z.array(TrainingItem),
  }),
  indTrain: z.object({ datasets: z.array(z.string()), images: z.number().int(), contentSha256: z.string().nullable() }),
  /** Hash of each evaluation's ordered sample keys: two runs with equal hashes were scored on the same samples. */
  evaluationSamples: z.array(z.object({ oodName: z.string(), indKeysSha256: z.string().nullable(), oodKeysSha256: z.string().nullable() })),
  models: z.array(z.object({ role: z.string(), sha256: z.string(), path: z.string() })),
});
export type Provenance = z.infer<typeof Provenance>;

export const RunRecord = z.object({
  run: z.object({
    id: z.number().int(),
    name: z.string().min(1),
    kind: z.string().min(1),
    status: z.string(),
    seed: z.number().int(),
    error: z.string().nullable(),
    createdAt: Num,
    startedAt: NullableNum,
    finishedAt: NullableNum,
  }),
  /** runs.config_json: the training settings. */
  config: z.record(z.string(), z.unknown()),
  /** runs.data_json: what it trained on, including data.generation (the guidance's paper-vs-code switches). */
  data: z.record(z.string(), z.unknown()),
  /** runs.model_hashes_json. */
  modelHashes: z.record(z.string(), z.unknown()),
  evaluations: z.array(RecordEvaluation),
  training: z.array(z.object({ name: z.string(), points: z.array(z.object({ step: Num, epoch: NullableNum, value: Num })) })),
  provenance: Provenance,
  samples: z.array(RecordSample),
});
export type RunRecord = z.infer<typeof RunRecord>;
