import { basename, isAbsolute } from 'node:path';
import type { Handlers } from '../../shared/api';
import { ApiError } from '../../shared/api/errors';
import type { MinedLabelSet, WordListRecord } from '../../shared/api/routes/mine-labels';
import { JobStore } from '../store/jobs';
import { miningCandidateCount } from '../pipeline/mine-labels/candidate-words';
import { excludesInDClassNames, fixedItems, labelsMineJob, mineItems, poolOf, type MineLabelsJobParams } from '../../shared/jobs';
import { lastSelectingMiningJob } from '../store/job-items';
import { poolWordList } from '../pipeline/mine-labels/pool-word-list';
import { WordListError, wordListCounts, type WordList } from '../pipeline/mine-labels/word-list';
import { findModel } from '../pipeline/model-roles';
import type { Db } from '../store/db';
import { countIndTrainClasses } from '../store/classes';
import { selectedCountsByPos } from '../store/neg-labels';
import type { StudioContext } from './context';

const pctText = (pct: number) => `${Math.round(pct * 1000) / 10}%`;

/** The word list, fully validated before anything is queued: a refused list leaves the project as it was. */
function checkedWordList(db: Db, pool: { type: 'file'; path: string; mode: 'pool' | 'fixed' }): WordList {
  if (!isAbsolute(pool.path)) throw new ApiError('invalid_input', `the word list path must be absolute, got ${JSON.stringify(pool.path)}`, [{ path: 'pool.path', message: 'not absolute' }]);
  try {
    return poolWordList(db, pool);
  } catch (e) {
    if (!(e instanceof WordListError)) throw e;
    const issues = e.problems.map((p) => ({ path: 'pool.path', message: p.line === null ? p.message : `line ${p.line}: ${p.message}` }));
    throw new ApiError(e.kind === 'missing' ? 'not_found' : 'invalid_input', e.message, issues);
  }
}

export function mineLabelHandlers(ctx: StudioContext): Pick<Handlers, 'labels.mine' | 'labels.mining'> {
  // WordNet candidate totals per lemma mode, read once for as long as this Studio lives.
  const wordnetTotals = new Map<string, number>();
  return {
    'labels.mine': (params) => {
      const { db } = ctx.project();
      const pool = params.pool;
      const fixed = pool.type === 'file' && pool.mode === 'fixed';
      if (pool.type === 'file' && params.candidateLimit !== undefined) {
        throw new ApiError('invalid_input', 'candidateLimit subsamples WordNet; it does not apply to a word list (shorten the file instead)', [{ path: 'candidateLimit', message: 'only for the WordNet pool' }]);
      }
      // A fixed list is not scored, so it needs no CLIP model here (the stages that use the labels will).
      if (!fixed && !findModel(db, 'clip')) throw new ApiError('invalid_input', 'no CLIP model is registered: import one under Models (role: clip) first', [{ path: 'model', message: 'no clip model' }]);
      const classes = countIndTrainClasses(db);
      if (classes === 0) throw new ApiError('invalid_input', 'no InD classes to mine against: import an InD-train dataset with class folders first', [{ path: 'classes', message: 'none' }]);

      let jobParams: MineLabelsJobParams = params;
      let candidates: number;
      let items: ReturnType<typeof mineItems>;
      let title: string;
      if (pool.type === 'file') {
        const list = checkedWordList(db, pool);
        const counts = wordListCounts(list);
        const wordList: WordListRecord = { sha256: list.sha256, ...counts };
        jobParams = { ...params, wordList };
        candidates = counts.labels;
        const name = basename(pool.path);
        if (fixed) {
          items = fixedItems(candidates);
          title = `Use ${candidates.toLocaleString('en-US')} negative labels from ${name} as they are (fixed list, no mining)`;
        } else {
          items = mineItems(candidates);
          title = `Mine negative labels: ${candidates.toLocaleString('en-US')} candidates from ${name}, keep ${pctText(params.pct)} per part of speech`;
        }
      } else {
        candidates = miningCandidateCount({ lemmas: params.lemmas, limit: params.candidateLimit }, wordnetTotals);
        items = mineItems(candidates);
        title = `Mine negative labels: ${candidates.toLocaleString('en-US')} WordNet candidates, keep ${pctText(params.pct)} per part of speech${params.excludeInDClassNames ? ', InD class names excluded' : ''}`;
      }
      const jobId = new JobStore(db).enqueue(labelsMineJob.kind, title, jobParams, items);
      ctx.wakeJobs();
      return { jobId, candidates, items: items.length };
    },
    'labels.mining': () => minedLabelSet(ctx.project().db),
  };
}

/**
 * The record of the current selection: the labels.mine job whose last item (the one that marks labels selected)
 * finished most recently, with the options it was queued with.
 */
export function minedLabelSet(db: Db): MinedLabelSet | null {
  const row = lastSelectingMiningJob(db);
  if (!row) return null;
  const p = row.params;
  const pool = poolOf(p);
  const selected = { noun: 0, adj: 0 };
  for (const r of selectedCountsByPos(db)) selected[r.pos] = r.n;
  return {
    jobId: row.id,
    at: row.at,
    source:
      pool.type === 'file'
        ? { type: 'file', path: pool.path, mode: pool.mode, sha256: p.wordList?.sha256 ?? null, labels: p.wordList?.labels ?? null }
        : { type: 'wordnet', lemmas: p.lemmas ?? 'first', candidateLimit: p.candidateLimit ?? null },
    excludeInDClassNames: excludesInDClassNames(p),
    pct: p.pct,
    quantile: p.quantile,
    nounTemplates: p.nounTemplates,
    adjTemplates: p.adjTemplates,
    classTemplate: p.classTemplate,
    selected,
  };
}
