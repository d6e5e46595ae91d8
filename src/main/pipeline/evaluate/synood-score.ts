import { matrix } from '../../ood/matrix';
import { negLabelScore } from '../../ood/scores';
import { applyProjection } from '../train/projection-weights';
import type { GroupingOptions, ScoreSwitches } from './scoring-switches';
import { negativesWithTunedLabels, type TunedModel } from './tuned-model';

export interface ScoringFeatures {
  dim: number;
  /** [N, dim] CLIP image features, unnormalised. */
  images: Float32Array;
  /** [K, dim] InD class text features. */
  classes: Float32Array;
  /** [M, dim] all negative labels' original text features. */
  negatives: Float32Array;
}

export interface SynoodScores {
  /** Higher = more InD. */
  scores: Float32Array;
  switches: ScoreSwitches;
  grouping: { ngroups: number; seed: number; explicitPermutation: boolean; temperature: number };
}

/**
 * docs/METHOD.md §8 test-time score: NegLabel's grouped score (src/main/ood) with, per switch, the projection
 * applied to the image features and the tuned label features in place of their originals.
 */
export function synoodScore(f: ScoringFeatures, tuned: TunedModel, switches: ScoreSwitches, grouping: GroupingOptions = {}): SynoodScores {
  const { dim } = f;
  if (switches.useProjection && !tuned.projection) throw new Error('useProjection is on but no projection weights were given');
  if (switches.useTunedLabels && !tuned.tunedLabels) throw new Error('useTunedLabels is on but no tuned label features were given');
  if (switches.useProjection && tuned.projection!.dim !== dim) throw new Error(`projection is ${tuned.projection!.dim}-d, features are ${dim}-d`);
  const images = switches.useProjection ? applyProjection(f.images, tuned.projection!) : f.images;
  const negatives = switches.useTunedLabels ? negativesWithTunedLabels(f.negatives, dim, tuned.tunedLabels!) : f.negatives;
  const ngroups = grouping.ngroups ?? 100;
  const seed = grouping.seed ?? 0;
  const temperature = grouping.temperature ?? 1;
  const scores = negLabelScore(
    matrix(images, images.length / dim, dim),
    matrix(f.classes, f.classes.length / dim, dim),
    matrix(negatives, negatives.length / dim, dim),
    { normalize: true, ngroups, seed, permutation: grouping.permutation, temperature },
  );
  return { scores, switches: { ...switches }, grouping: { ngroups, seed, explicitPermutation: grouping.permutation !== undefined, temperature } };
}
