import type { MineLabelsParams } from '../../../shared/api/routes/mine-labels';
import { ItemError, type JobContext, type JobHandler } from '../../jobs/handler';
import { fillTemplate, matrix, quantileSimilarity, type Candidate, type Matrix } from '../../ood';
import type { ClipEncoder } from '../features';
import { miningCandidates } from './candidate-words';
import { indTrainClasses } from './ind-classes';
import { promptsFor, templateColumn } from './label-templates';
import { openProjectClip } from './project-clip';
import { selectByScore } from './selection';
import { TextFeatureMemo } from './text-features';

export const MINE_LABELS_JOB_KIND = 'labels.mine';
/** Candidates scored per job item: small enough that progress moves and a kill loses little. */
export const MINE_BATCH_WORDS = 512;

/** A batch of candidates [start, end) to score, or the closing selection over every stored score. */
export type MineItem = { start: number; end: number } | { select: true };

export function mineItems(candidateCount: number): { key: string; payload: MineItem }[] {
  const items: { key: string; payload: MineItem }[] = [];
  for (let start = 0; start < candidateCount; start += MINE_BATCH_WORDS) {
    const end = Math.min(candidateCount, start + MINE_BATCH_WORDS);
    items.push({ key: `score words ${start + 1}–${end}`, payload: { start, end } });
  }
  items.push({ key: 'select per part of speech', payload: { select: true } });
  return items;
}

interface MiningState {
  encoder: ClipEncoder;
  texts: TextFeatureMemo;
  classNames: string[];
  classFeatures: Matrix;
  candidates: Candidate[];
}

let state: MiningState | null = null;

/**
 * 'labels.mine' (SYNOOD.md §4): each batch item scores its candidates (quantile of the cosine similarities to the
 * InD class prompts) and stores them; the last item, which needs every score, marks the lowest pct per part of
 * speech as selected. Scores are upserted per (word, pos), so label ids stay stable across re-minings.
 */
export const mineLabelsHandler: JobHandler<MineLabelsParams, MineItem> = {
  kind: MINE_LABELS_JOB_KIND,
  touches: 'labels',
  async prepare(ctx: JobContext, params: MineLabelsParams) {
    const { encoder } = await openProjectClip(ctx.project, { batchSize: 256 });
    const texts = new TextFeatureMemo(encoder);
    const classes = indTrainClasses(ctx.project.db);
    const classFeatures = matrix(await texts.encode(classes.names.map((n) => fillTemplate(params.classTemplate, n))), classes.names.length, encoder.dim);
    state = { encoder, texts, classNames: classes.names, classFeatures, candidates: miningCandidates({ lemmas: params.lemmas, limit: params.candidateLimit }) };
  },
  async runItem(ctx, params, item) {
    const s = state!;
    const p = item.payload;
    if ('select' in p) return selectCommit(ctx, params, s, item.seq);
    if (p.end > s.candidates.length) throw new ItemError(`item covers candidates up to ${p.end} but the WordNet list now has ${s.candidates.length}`);
    const batch = s.candidates.slice(p.start, p.end);
    const templates = { noun: params.nounTemplates, adj: params.adjTemplates };
    const feats = await s.texts.encodeSets(batch.map((c) => promptsFor(c.word, templates[c.pos])));
    const scores = quantileSimilarity(matrix(feats, batch.length, s.encoder.dim), s.classFeatures, params.quantile);
    return (db) => {
      const upsert = db.prepare(
        'INSERT INTO neg_labels (word, pos, template, mining_score) VALUES (?, ?, ?, ?) ON CONFLICT (word, pos) DO UPDATE SET template = excluded.template, mining_score = excluded.mining_score',
      );
      batch.forEach((c, i) => upsert.run(c.word, c.pos, templateColumn(templates[c.pos]), scores[i]));
    };
  },
  async dispose() {
    await state?.encoder.release();
    state = null;
  },
};

function selectCommit(ctx: JobContext, params: MineLabelsParams, s: MiningState, seq: number) {
  const db = ctx.project.db;
  // Scores of an earlier mining may still sit in the table; selecting is only sound once this job scored every batch.
  const unscored = db.prepare("SELECT count(*) FROM job_items WHERE job_id = ? AND seq != ? AND status != 'done'").pluck().get(ctx.jobId, seq) as number;
  if (unscored > 0) throw new ItemError(`${unscored} candidate batch${unscored === 1 ? ' has' : 'es have'} not been scored (failed or pending): retry them, then this selection`);
  const get = db.prepare('SELECT id, mining_score FROM neg_labels WHERE word = ? AND pos = ?');
  const rows = s.candidates.map((c) => get.get(c.word, c.pos) as { id: number; mining_score: number | null } | undefined);
  const missing = rows.findIndex((r) => r?.mining_score === null || r === undefined);
  if (missing >= 0) throw new ItemError(`candidate '${s.candidates[missing]!.word}' (${s.candidates[missing]!.pos}) has no stored score`);
  const { kept } = selectByScore(
    s.candidates.map((c, i) => ({ ...c, score: rows[i]!.mining_score! })),
    params.pct,
    s.classNames,
  );
  const ids = kept.map((i) => rows[i]!.id);
  return (tx: typeof db) => {
    tx.prepare('UPDATE neg_labels SET selected = 0 WHERE selected = 1').run();
    const mark = tx.prepare('UPDATE neg_labels SET selected = 1 WHERE id = ?');
    for (const id of ids) mark.run(id);
  };
}
