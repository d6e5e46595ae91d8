/**
 * docs/METHOD.md §8: the official inference code is unpublished, so whether the tuned label features and the
 * projection are used at test time are options, recorded with every score set.
 */
export interface ScoreSwitches {
  /** Score x + P(x) instead of the raw CLIP image feature. */
  useProjection: boolean;
  /** Replace the M' assigned labels' text features by their tuned values. */
  useTunedLabels: boolean;
}

/** NegLabel grouping: 100 groups, permutation from the documented seeded generator (src/main/ood/permutation). */
export interface GroupingOptions {
  ngroups?: number;
  seed?: number;
  /** Explicit order of the kept negatives; overrides `seed`. */
  permutation?: ArrayLike<number>;
  /** Softmax temperature on 100·cos (NegLabel's default 1). */
  temperature?: number;
}
