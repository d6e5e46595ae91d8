import { l2NormalizeRows, matmulTransposed, sliceRows, type Matrix } from './matrix';
import { fillTemplate, NEGLABEL_ADJ_TEMPLATE, NEGLABEL_NOUN_TEMPLATE } from './prompts';
import { quantileSortedLinear } from './quantile';
import { cleanWordNetLemma, type PartOfSpeech } from './wordnet';

export interface Candidate {
  word: string;
  pos: PartOfSpeech;
}

/** Templates per part of speech; more than one = a template ensemble (see averageTemplateFeatures). */
export interface TemplateSet {
  noun: string[];
  adj: string[];
}

export const NEGLABEL_TEMPLATES: TemplateSet = { noun: [NEGLABEL_NOUN_TEMPLATE], adj: [NEGLABEL_ADJ_TEMPLATE] };

/** The texts to encode for one candidate, one per template of its part of speech. */
export function candidatePrompts(c: Candidate, templates: TemplateSet = NEGLABEL_TEMPLATES): string[] {
  return templates[c.pos].map((t) => fillTemplate(t, c.word));
}

/**
 * Template ensemble: rows are item-major (item i, template t at row i·perItem + t). Each row is
 * L2-normalised, the perItem rows of an item are averaged, and the mean is normalised again.
 */
export function averageTemplateFeatures(features: Matrix, perItem: number): Matrix {
  if (!Number.isInteger(perItem) || perItem < 1 || features.rows % perItem !== 0) {
    throw new Error(`averageTemplateFeatures: ${features.rows} rows is not a multiple of ${perItem} templates`);
  }
  const unit = l2NormalizeRows(features);
  const items = features.rows / perItem;
  const d = features.cols;
  const mean = new Float32Array(items * d);
  for (let i = 0; i < items; i++) {
    for (let t = 0; t < perItem; t++) {
      const src = (i * perItem + t) * d;
      for (let c = 0; c < d; c++) mean[i * d + c]! += unit.data[src + c]!;
    }
  }
  return l2NormalizeRows({ data: mean, rows: items, cols: d });
}

/**
 * s_j = quantile_q over InD classes k of cos(candidate_j, class_k), numpy-linear interpolation.
 * Inputs are normalised here, so raw encoder outputs are fine. Candidates stream in blocks so only
 * block × K similarities exist at once (70k × 1000 never materialises).
 */
export function quantileSimilarity(candidates: Matrix, classes: Matrix, q = 0.95, blockRows = 512): Float64Array {
  if (candidates.cols !== classes.cols) throw new Error(`feature dims differ: candidates ${candidates.cols}, classes ${classes.cols}`);
  if (classes.rows === 0) throw new Error('quantileSimilarity: no InD classes');
  const cand = l2NormalizeRows(candidates);
  const cls = l2NormalizeRows(classes);
  const k = cls.rows;
  const out = new Float64Array(cand.rows);
  const buf = new Float32Array(Math.min(blockRows, cand.rows) * k);
  const sims = new Float64Array(k);
  for (let r0 = 0; r0 < cand.rows; r0 += blockRows) {
    const r1 = Math.min(cand.rows, r0 + blockRows);
    matmulTransposed(sliceRows(cand, r0, r1), cls, 1, buf);
    for (let r = r0; r < r1; r++) {
      sims.set(buf.subarray((r - r0) * k, (r - r0 + 1) * k));
      out[r] = quantileSortedLinear(sims.sort(), q);
    }
  }
  return out;
}

export interface MiningOptions {
  /** Fraction kept per part of speech (NegLabel: 0.15); count = floor(n · pct) as Python's int(). */
  pct?: number;
  /** Quantile of the similarities to the InD classes (NegLabel: 0.95). */
  quantile?: number;
  /** InD class names; candidates equal to one (after the same cleaning) are excluded before counting. */
  classNames?: string[];
  /** Recorded with each selected label; default NegLabel's templates. */
  templates?: TemplateSet;
}

export interface SelectedLabel {
  word: string;
  pos: PartOfSpeech;
  /** Index into the candidate list / candidate feature rows. */
  index: number;
  /** quantile_q of its cosine similarities to the InD classes (lower = farther from InD). */
  score: number;
  prompts: string[];
}

export interface MiningResult {
  /** Nouns first, then adjectives (NegLabel's order), each ascending by score. */
  selected: SelectedLabel[];
  counts: Record<PartOfSpeech, { candidates: number; excluded: number; kept: number }>;
}

/**
 * NegLabel negative-label selection (docs/METHOD.md §4): score every candidate by its 0.95-quantile
 * similarity to the InD classes, sort ascending per part of speech, keep the first pct of each.
 * Ties keep candidate order (stable sort), where torch.argsort would be arbitrary.
 */
export function selectNegativeLabels(candidates: Candidate[], candidateFeatures: Matrix, classFeatures: Matrix, opts: MiningOptions = {}): MiningResult {
  if (candidates.length !== candidateFeatures.rows) {
    throw new Error(`${candidates.length} candidates but ${candidateFeatures.rows} feature rows`);
  }
  const pct = opts.pct ?? 0.15;
  if (!(pct >= 0 && pct <= 1)) throw new Error(`pct must be in [0, 1], got ${pct}`);
  const templates = opts.templates ?? NEGLABEL_TEMPLATES;
  const excluded = new Set((opts.classNames ?? []).map(cleanWordNetLemma));
  const scores = quantileSimilarity(candidateFeatures, classFeatures, opts.quantile ?? 0.95);
  const selected: SelectedLabel[] = [];
  const counts = {} as MiningResult['counts'];
  for (const pos of ['noun', 'adj'] as const) {
    const all = candidates.map((c, index) => ({ c, index })).filter(({ c }) => c.pos === pos);
    const eligible = all.filter(({ c }) => !excluded.has(cleanWordNetLemma(c.word)));
    const keep = Math.floor(eligible.length * pct);
    eligible.sort((a, b) => scores[a.index]! - scores[b.index]! || a.index - b.index);
    for (const { c, index } of eligible.slice(0, keep)) {
      selected.push({ word: c.word, pos, index, score: scores[index]!, prompts: candidatePrompts(c, templates) });
    }
    counts[pos] = { candidates: all.length, excluded: all.length - eligible.length, kept: keep };
  }
  return { selected, counts };
}
