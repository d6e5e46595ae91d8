import type { Db } from '../../store/db';
import { selectedNegativeLabels } from '../../store/neg-labels';
import { ItemError } from '../../jobs/handler';
import type { PartOfSpeech } from '../../ood';
import { promptsFor, templatesOf } from './label-templates';
import type { TextFeatureMemo } from './text-features';

export interface NegativeLabelRow {
  id: number;
  word: string;
  pos: PartOfSpeech;
  template: string;
}

/** NegLabel's official number of negative-label groups (docs/METHOD.md §4). */
export const NEGLABEL_GROUPS = 100;

/** 100 groups, or one label per group when fewer labels were mined (small demo vocabularies). */
export function groupCountFor(negatives: number): number {
  return Math.max(1, Math.min(NEGLABEL_GROUPS, negatives));
}

/**
 * The selected negative labels in NegLabel's order: nouns then adjectives, each ascending by mining score.
 * The order fixes which labels the grouped score drops and how it permutes them, so every stage uses this one.
 */
export function selectedNegatives(db: Db): NegativeLabelRow[] {
  const rows: NegativeLabelRow[] = selectedNegativeLabels(db);
  if (rows.length === 0) throw new ItemError('no negative labels are selected: run "Mine negative labels" (labels.mine) first');
  return rows;
}

/** [labels.length, dim] text features of labels, each from its own template(s). */
export function labelFeatures(texts: TextFeatureMemo, labels: readonly Pick<NegativeLabelRow, 'word' | 'template'>[]): Promise<Float32Array> {
  return texts.encodeSets(labels.map((l) => promptsFor(l.word, templatesOf(l.template))));
}
