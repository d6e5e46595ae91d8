import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenProject } from '../../project/project';
import { labelWordAndTemplate } from '../../store/neg-labels';
import { fillTemplate, FINETUNE_CLASS_TEMPLATE } from '../../ood';
import type { ClipEncoder } from '../features';
import { indTrainClasses } from '../mine-labels/ind-classes';
import { labelFeatures } from '../mine-labels/selected-negatives';
import type { TextFeatureMemo } from '../mine-labels/text-features';
import type { LabelFeaturesTrainingData } from './label-features-trainer';
import type { ProjectionTrainingData } from './projection-trainer';
import { acceptedLabelled, trainingCandidate } from '../../store/candidates';
import { countSelectedTrainable, trainableImages } from '../../store/images';

export interface AcceptedSet {
  candidateIds: number[];
  /** neg_labels id per candidate (a curator's relabel if any, else the model's). */
  labelIds: number[];
  /** The M' distinct labels, ascending by id: row order of the label features. */
  distinctLabels: { id: number; word: string; template: string }[];
  features: Float32Array;
  promptVersionIds: number[];
}

/**
 * The accepted candidates a run trains on: the manifest the run froze when it was queued (runs/<id>/train-data.json,
 * written by the runs service), so curation after queuing cannot change a resumed run; the live table otherwise.
 */
function acceptedPairs(project: OpenProject, runId: number): [number, number][] {
  const manifest = path.join(project.paths.runs, String(runId), 'train-data.json');
  if (existsSync(manifest)) return (JSON.parse(readFileSync(manifest, 'utf8')) as { candidates: [number, number][] }).candidates;
  return acceptedLabelled(project.db).map((r) => [r.id, r.label_id]);
}

export async function loadAccepted(project: OpenProject, runId: number, encoder: ClipEncoder): Promise<AcceptedSet> {
  const db = project.db;
  const rows = acceptedPairs(project, runId)
    .map(([id, labelId]) => ({ row: trainingCandidate(db, id), labelId }))
    .filter((r) => r.row !== undefined);
  if (rows.length === 0) throw new Error('zero accepted candidates with a negative label: accept candidates in Curate and assign labels (labels.assign) first');
  const distinctLabels = [...new Set(rows.map((r) => r.labelId))]
    .sort((a, b) => a - b)
    .map((id) => {
      const l = labelWordAndTemplate(db, id);
      if (!l) throw new Error(`negative label ${id} (assigned to an accepted candidate) no longer exists`);
      return l;
    });
  return {
    candidateIds: rows.map((r) => r.row!.id),
    labelIds: rows.map((r) => r.labelId),
    distinctLabels,
    features: await encoder.encodeImages(rows.map((r) => path.join(project.paths.root, r.row!.file_path))),
    promptVersionIds: [...new Set(rows.map((r) => r.row!.prompt_version_id).filter((v) => v !== null))].sort((a, b) => a - b),
  };
}

/** Row index of each candidate's label among the M' distinct labels. */
function labelTargets(a: AcceptedSet): Int32Array {
  const index = new Map(a.distinctLabels.map((l, i) => [l.id, i]));
  return Int32Array.from(a.labelIds, (id) => index.get(id)!);
}

export function candidateIdsSha256(ids: number[]): string {
  return createHash('sha256').update(ids.join(',')).digest('hex');
}

function describeAccepted(a: AcceptedSet): Record<string, unknown> {
  return {
    acceptedCandidates: a.candidateIds.length,
    candidateIdsSha256: candidateIdsSha256(a.candidateIds),
    labelIds: a.distinctLabels.map((l) => l.id),
    labels: a.distinctLabels.length,
    promptVersionIds: a.promptVersionIds,
  };
}

/** docs/METHOD.md §6: the selected InD subset (all InD-train images when none is selected) with their class targets. */
async function loadIndSubset(project: OpenProject, encoder: ClipEncoder) {
  const db = project.db;
  const classes = indTrainClasses(db);
  const anySelected = countSelectedTrainable(db) > 0;
  const images = trainableImages(db, anySelected);
  const targets = Int32Array.from(images, (i) => classes.indexOfClassId.get(i.class_id)!);
  const perClass = new Array<number>(classes.names.length).fill(0);
  for (const t of targets) perClass[t]!++;
  const empty = classes.names.filter((_, k) => perClass[k] === 0);
  if (empty.length > 0) {
    const shown = empty.slice(0, 5).map((n) => `'${n}'`).join(', ');
    throw new Error(`empty class: ${shown}${empty.length > 5 ? ` and ${empty.length - 5} more` : ''} ha${empty.length === 1 ? 's' : 've'} no ${anySelected ? 'selected ' : ''}InD training image`);
  }
  return { classes, targets, subset: anySelected, features: await encoder.encodeImages(images.map((i) => path.join(project.paths.root, i.path))) };
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Stage 1 data: InD subset (class targets) + accepted candidates (K + label), text = 'a nice {class}' then the M' labels. */
export async function loadProjectionData(project: OpenProject, runId: number, encoder: ClipEncoder, texts: TextFeatureMemo): Promise<{ data: ProjectionTrainingData; summary: Record<string, unknown>; labelIds: number[] }> {
  const accepted = await loadAccepted(project, runId, encoder);
  const ind = await loadIndSubset(project, encoder);
  const k = ind.classes.names.length;
  const classText = await texts.encode(ind.classes.names.map((n) => fillTemplate(FINETUNE_CLASS_TEMPLATE, n)));
  const labelText = await labelFeatures(texts, accepted.distinctLabels);
  const synthTargets = labelTargets(accepted).map((t) => k + t);
  const targets = new Int32Array(ind.targets.length + synthTargets.length);
  targets.set(ind.targets, 0);
  targets.set(synthTargets, ind.targets.length);
  return {
    data: { dim: encoder.dim, features: concat(ind.features, accepted.features), targets, textFeatures: concat(classText, labelText) },
    labelIds: accepted.distinctLabels.map((l) => l.id),
    summary: { ...describeAccepted(accepted), indImages: ind.targets.length, indSubset: ind.subset ? 'selected' : 'all InD-train images', indClasses: k, classTemplate: FINETUNE_CLASS_TEMPLATE },
  };
}

/** Stage 2 data: accepted candidates only; the learnable rows start at the M' labels' text features (§7). */
export async function loadLabelFeaturesData(project: OpenProject, runId: number, encoder: ClipEncoder, texts: TextFeatureMemo): Promise<{ data: LabelFeaturesTrainingData; summary: Record<string, unknown>; labelIds: number[] }> {
  const accepted = await loadAccepted(project, runId, encoder);
  return {
    data: { dim: encoder.dim, imageFeatures: accepted.features, targets: labelTargets(accepted), labelFeatures: await labelFeatures(texts, accepted.distinctLabels) },
    labelIds: accepted.distinctLabels.map((l) => l.id),
    summary: describeAccepted(accepted),
  };
}
