import type { Db } from '../store/db';
import { selectedLabelsByPos, type ScoredLabel } from '../store/neg-labels';
import { writeExportFile } from './atomic-file';
import { NothingToExportError } from './errors';

export const LABEL_COLUMNS = ['pos', 'score'] as const;
export type LabelColumn = (typeof LABEL_COLUMNS)[number];

/** The mining score is a quantile of similarity to the InD classes (lower = farther from them). */
export type SelectedLabel = ScoredLabel;

/** The selected negative labels, nouns first, each part of speech in mining order (its rows' ids). */
export function selectedLabels(db: Db): SelectedLabel[] {
  return selectedLabelsByPos(db);
}

/** One label per line; with columns, tab-separated `word<TAB>pos<TAB>score` under a header line. */
export function formatLabels(labels: SelectedLabel[], columns: readonly LabelColumn[]): string {
  if (columns.length === 0) return labels.map((l) => `${l.word}\n`).join('');
  const cell = (l: SelectedLabel, c: LabelColumn) => (c === 'pos' ? l.pos : l.score === null ? '' : String(l.score));
  return [['word', ...columns].join('\t'), ...labels.map((l) => [l.word, ...columns.map((c) => cell(l, c))].join('\t'))].join('\n') + '\n';
}

export async function exportLabels(db: Db, file: string, opts: { columns?: readonly LabelColumn[]; force?: boolean } = {}): Promise<{ file: string; labels: number }> {
  const labels = selectedLabels(db);
  if (labels.length === 0) throw new NothingToExportError('no negative labels are selected: mine them first (synood mine-labels)');
  await writeExportFile(file, formatLabels(labels, opts.columns ?? []), !!opts.force);
  return { file, labels: labels.length };
}
