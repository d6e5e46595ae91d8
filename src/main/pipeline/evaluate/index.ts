export { synoodScore, type ScoringFeatures, type SynoodScores } from './synood-score';
export type { ScoreSwitches, GroupingOptions } from './scoring-switches';
export { negativesWithTunedLabels, type TunedModel } from './tuned-model';
export { buildScorerHead, type ScorerHeadOptions } from './scorer-head';
export { exportScorerOnnx, type ScorerExportOptions } from './scorer-export';
