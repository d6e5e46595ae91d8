import { excludesInDClassNames, labelsMineJob, poolOf, type MineLabelsJobParams } from '../../../shared/jobs';
import type { Db } from '../../store/db';
import { clearLabelSelection, labelIdAndScore, selectLabelById, selectLabelByWord, upsertScoredLabel } from '../../store/neg-labels';
import { JobStore } from '../../store/jobs';
import { ItemError, type JobContext, type JobHandler } from '../../jobs/handler';
import { fillTemplate, matrix, quantileSimilarity, type Candidate, type Matrix } from '../../ood';
import type { ClipEncoder } from '../features';
import { miningCandidates } from './candidate-words';
import { indTrainClasses } from './ind-classes';
import { promptsFor, templateColumn } from './label-templates';
import { openProjectClip } from './project-clip';
import { selectByScore } from './selection';
import { TextFeatureMemo } from './text-features';
import { poolWordList } from './pool-word-list';
import { wordListCandidates } from './word-list';

interface Scorer {
  encoder: ClipEncoder;
  texts: TextFeatureMemo;
  classFeatures: Matrix;
}

interface MiningState {
  classNames: string[];
  candidates: Candidate[];
  /** Null for a fixed word list: nothing is scored. */
  scorer: Scorer | null;
}

/**
 * 'labels.mine' (docs/METHOD.md §4): each batch item scores its candidates (quantile of the cosine similarities to
 * the InD class prompts) and stores them; the last item, which needs every score, marks the lowest pct per part of
 * speech as selected. Scores are upserted per (word, pos), so label ids stay stable across re-minings.
 * The candidates are WordNet's or a word list's; a fixed word list skips scoring and is selected as it is.
 */
function createMineLabelsHandler(): JobHandler<typeof labelsMineJob.kind> {
  // What prepare loads for the job (models, features), released by dispose: held by this handler instance, not the module.
  let state: MiningState | null = null;
  return {
    kind: labelsMineJob.kind,
    async prepare(ctx: JobContext, params: MineLabelsJobParams) {
      state = null;
      const classes = indTrainClasses(ctx.project.db);
      const pool = poolOf(params);
      let candidates: Candidate[];
      if (pool.type === 'file') {
        // Checked again here: the file or the InD classes may have changed since the API queued the job.
        const list = poolWordList(ctx.project.db, pool);
        if (params.wordList && params.wordList.sha256 !== list.sha256) {
          throw new Error(`word list ${pool.path} changed since this job was queued (sha256 ${params.wordList.sha256.slice(0, 12)}… then, ${list.sha256.slice(0, 12)}… now): queue a new mining`);
        }
        candidates = wordListCandidates(list);
        if (pool.mode === 'fixed') {
          state = { classNames: classes.names, candidates, scorer: null };
          return;
        }
      } else {
        candidates = miningCandidates({ lemmas: params.lemmas, limit: params.candidateLimit });
      }
      const { encoder } = await openProjectClip(ctx.project, { batchSize: 256, textCache: ctx.textFeatures });
      const texts = new TextFeatureMemo(encoder);
      const classFeatures = matrix(await texts.encode(classes.names.map((n) => fillTemplate(params.classTemplate, n))), classes.names.length, encoder.dim);
      state = { classNames: classes.names, candidates, scorer: { encoder, texts, classFeatures } };
    },
    async runItem(ctx, params, item) {
      const s = state!;
      const p = item.payload;
      if ('fixed' in p) return fixedCommit(params, s);
      if ('select' in p) return selectCommit(ctx, params, s, item.seq);
      const scorer = s.scorer;
      if (!scorer) throw new ItemError('a fixed word list has nothing to score');
      const source = poolOf(params).type === 'file' ? 'the word list' : 'the WordNet list';
      if (p.end > s.candidates.length) throw new ItemError(`item covers candidates up to ${p.end} but ${source} now has ${s.candidates.length}`);
      const batch = s.candidates.slice(p.start, p.end);
      const templates = { noun: params.nounTemplates, adj: params.adjTemplates };
      const feats = await scorer.texts.encodeSets(batch.map((c) => promptsFor(c.word, templates[c.pos])));
      const scores = quantileSimilarity(matrix(feats, batch.length, scorer.encoder.dim), scorer.classFeatures, params.quantile);
      return (db) => {
        batch.forEach((c, i) => upsertScoredLabel(db, c.word, c.pos, templateColumn(templates[c.pos]), scores[i]!));
      };
    },
    async dispose() {
      await state?.scorer?.encoder.release();
      state = null;
    },
  };
}

export const mineLabelsHandler = createMineLabelsHandler();

function selectCommit(ctx: JobContext, params: MineLabelsJobParams, s: MiningState, seq: number) {
  const db = ctx.project.db;
  // Scores of an earlier mining may still sit in the table; selecting is only sound once this job scored every batch.
  const unscored = new JobStore(db).unfinishedItemsBesides(ctx.jobId, seq);
  if (unscored > 0) throw new ItemError(`${unscored} candidate batch${unscored === 1 ? ' has' : 'es have'} not been scored (failed or pending): retry them, then this selection`);
  const rows = s.candidates.map((c) => labelIdAndScore(db, c.word, c.pos));
  const missing = rows.findIndex((r) => r?.mining_score === null || r === undefined);
  if (missing >= 0) throw new ItemError(`candidate '${s.candidates[missing]!.word}' (${s.candidates[missing]!.pos}) has no stored score`);
  const { kept } = selectByScore(
    s.candidates.map((c, i) => ({ ...c, score: rows[i]!.mining_score! })),
    params.pct,
    // NegLabel keeps candidates that equal an InD class unless asked (docs/METHOD.md §4).
    excludesInDClassNames(params) ? s.classNames : [],
  );
  const ids = kept.map((i) => rows[i]!.id);
  return (tx: typeof db) => {
    clearLabelSelection(tx);
    for (const id of ids) selectLabelById(tx, id);
  };
}

/**
 * A fixed word list becomes the selection as it is, in its order. Nothing is mined, so mining_score holds the
 * label's 0-based position in the file: every stage reads the selection ordered by (part of speech, mining_score),
 * and the list has its nouns first (checked when it was read), so that order is the file's.
 */
function fixedCommit(params: MineLabelsJobParams, s: MiningState) {
  const templates = { noun: params.nounTemplates, adj: params.adjTemplates };
  return (tx: Db) => {
    clearLabelSelection(tx);
    s.candidates.forEach((c, i) => {
      upsertScoredLabel(tx, c.word, c.pos, templateColumn(templates[c.pos]), i);
      selectLabelByWord(tx, c.word, c.pos);
    });
  };
}
