import type { Db } from '../../store/db';
import { fillTemplate, NEGLABEL_CLASS_TEMPLATE } from '../../ood';
import type { ClipEncoder } from '../features';
import { indTrainClasses } from '../mine-labels/ind-classes';
import { groupCountFor, labelFeatures, selectedNegatives } from '../mine-labels/selected-negatives';
import { TextFeatureMemo } from '../mine-labels/text-features';

export interface ScoringTexts {
  dim: number;
  /** neg_labels ids of the selected negatives, in scoring order. */
  negativeIds: number[];
  negatives: Float32Array;
  classNames: string[];
  classes: Float32Array;
  ngroups: number;
}

/** The text side of the grouped score (docs/METHOD.md §4): InD classes as 'the nice {class}', the selected negatives. */
export async function scoringTexts(db: Db, encoder: ClipEncoder): Promise<ScoringTexts> {
  const texts = new TextFeatureMemo(encoder);
  const negatives = selectedNegatives(db);
  const classes = indTrainClasses(db);
  return {
    dim: encoder.dim,
    negativeIds: negatives.map((n) => n.id),
    negatives: await labelFeatures(texts, negatives),
    classNames: classes.names,
    classes: await texts.encode(classes.names.map((n) => fillTemplate(NEGLABEL_CLASS_TEMPLATE, n))),
    ngroups: groupCountFor(negatives.length),
  };
}
