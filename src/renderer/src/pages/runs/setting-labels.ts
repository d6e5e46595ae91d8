/**
 * People's names for the settings a comparison lines up (dotted keys from compare.runs' configDiff): training
 * config, the baseline's NegLabel settings, the scoring switches an evaluation recorded (scoring.*) and the guidance
 * switches the training candidates were generated with (generation.*). A key not listed here still shows, as itself.
 */
export const SETTING_LABELS: Record<string, string> = {
  kind: 'Run kind',
  seed: 'Seed',
  stage: 'Training stage',
  optimizer: 'Optimizer',
  lr: 'Learning rate',
  minLr: 'Final learning rate (cosine floor)',
  momentum: 'Momentum',
  weightDecay: 'Weight decay',
  epochs: 'Epochs',
  batchSize: 'Batch size',
  lrSchedule: 'Learning-rate schedule',
  method: 'Scoring method',
  groups: 'Negative-label groups',
  nounTemplate: 'Noun prompt template',
  adjTemplate: 'Adjective prompt template',
  percentile: 'Mining percentile (η)',
  keepFraction: 'Share of words kept as negative labels',
  'scoring.requested.projection': 'Projection asked for',
  'scoring.requested.tunedLabels': 'Tuned label features asked for',
  'scoring.runKind': 'Scored as',
  'scoring.projectionRunId': 'Projection taken from',
  'scoring.tunedLabelsRunId': 'Tuned label features taken from',
  'scoring.tunedLabelsApplied': 'Tuned label features applied',
  'scoring.tunedLabelsNotSelected': 'Tuned labels no longer selected',
  'scoring.projection': 'Projection at test time',
  'scoring.tunedLabels': 'Tuned label features at test time',
  'scoring.ngroups': 'Negative-label groups at test time',
  'scoring.negatives': 'Negative labels at test time',
  'scoring.classes': 'InD classes',
  'scoring.indDatasets': 'InD test sets',
  'scoring.featurePrep': 'Image preprocessing',
  'scoring.notes': 'Scoring notes',
  'generation.objective': 'Guidance objective',
  'generation.objectiveOptions': 'Guidance objective options',
  'generation.objectiveOptions.officialTarget': 'Official loss target',
  'generation.objectiveOptions.officialTargetApplied': 'Official loss target applied',
  'generation.objectiveOptions.energyMargin': 'Energy hinge margin',
  'generation.objectiveOptions.energyTemperature': 'Energy temperature',
  'generation.gradientWrt': 'Guidance gradient taken w.r.t.',
  'generation.reduction': 'Guidance loss reduction',
  'generation.batchSize': 'Guidance batch size (B)',
  'generation.lr': 'Guidance step size (r)',
  'generation.iterations': 'Guidance iterations',
  'generation.vaeLatent': 'VAE latent',
  'generation.resizeFilter': 'Classifier resize filter',
};

export const settingLabel = (key: string): string => SETTING_LABELS[key] ?? key;

/** Run kinds by their names (ids are what the database and the API carry). */
export const RUN_KIND_NAMES: Record<string, string> = {
  'zero-shot': 'Zero-shot baseline (NegLabel)',
  projection: 'Projection (stage 1)',
  labels: 'Tuned label features (stage 2)',
};

export const runKindName = (kind: string): string => RUN_KIND_NAMES[kind] ?? kind;

const KIND_KEYS = new Set(['kind', 'stage', 'scoring.runKind']);
const RUN_ID_KEYS = new Set(['scoring.projectionRunId', 'scoring.tunedLabelsRunId']);

/** A setting's value for people: run kinds by name, run ids by run name, yes/no, lists without JSON brackets. */
export function settingValue(key: string, value: string | null, runName: (id: number) => string | undefined = () => undefined): string {
  if (value === null) return '—';
  if (KIND_KEYS.has(key)) return runKindName(value);
  if (RUN_ID_KEYS.has(key)) {
    if (value === 'null') return 'none';
    const id = Number(value);
    return Number.isInteger(id) ? `${runName(id) ?? 'run'} (#${id})` : value;
  }
  if (value === 'true') return 'yes';
  if (value === 'false') return 'no';
  if (value.startsWith('[')) {
    try {
      const list = JSON.parse(value) as unknown;
      if (Array.isArray(list)) return list.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
    } catch {
      // not JSON after all: shown as it is
    }
  }
  return value;
}

/** Per kind: how a menu names it after a run's name, then other words that already say it in a name. */
const KIND_WORDS: Record<string, string[]> = { 'zero-shot': ['zero-shot', 'neglabel'], projection: ['projection', 'stage 1'], labels: ['tuned label features', 'tuned label', 'stage 2'] };

/** A run as a menu shows it: its name, with its kind after it unless the name already says it ("NegLabel (zero-shot)"). */
export function runLabel(run: { name: string; kind: string }): string {
  const words = KIND_WORDS[run.kind] ?? [run.kind];
  const name = run.name.toLowerCase();
  return words.some((w) => name.includes(w)) ? run.name : `${run.name} (${words[0]})`;
}
