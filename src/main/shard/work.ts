import { GenerateSettings, type GenerateSource } from '../../shared/api/routes/generate';
import { sourceImages } from '../services/generate';
import type { Db } from '../store/db';
import { describeImagesJob, generateCandidatesJob, type JobKind, type ParamsOf, type PayloadOf } from '../../shared/jobs';
import { ownsImage, type ShardSpec, type ShardStage } from './shard-spec';
import { currentVersionId } from '../store/prompts';

/** What a sharded run does, the same for every shard of the run (written into each bundle's manifest). */
export type ShardPlan = { stage: 'generate'; source: GenerateSource; settings: GenerateSettings } | { stage: 'describe'; source: GenerateSource };

/** The job a shard's bundle runs, typed by its contract. */
interface ShardJob<S extends ShardStage, K extends JobKind> {
  stage: S;
  jobKind: K;
  title: string;
  params: ParamsOf<K>;
  items: { key: string; payload: PayloadOf<K> }[];
  /** The source images the items read (each one's rows and file go into the bundle). */
  imageIds: number[];
  /** The prompt versions generate items were pinned to (copied into the bundle with their ids). */
  promptVersionIds: number[];
}

/** One shard's part of the plan: the job the bundle runs, in the shape the studio's own services queue it. */
export type ShardWork = ShardJob<'describe', typeof describeImagesJob.kind> | ShardJob<'generate', typeof generateCandidatesJob.kind>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The work of shard `spec` of `plan`, read from the parent project. Empty when the shard owns no image. */
export function shardWork(db: Db, plan: ShardPlan, spec: ShardSpec): ShardWork {
  const all = sourceImages(db, plan.source);
  if (all.length === 0) throw new Error(`nothing to ${plan.stage}: the chosen source holds no usable InD training image`);
  const imageIds = all.filter((id) => ownsImage(spec, id));
  const part = `shard ${spec.index}/${spec.count}`;
  if (plan.stage === 'describe') {
    return {
      stage: 'describe',
      jobKind: describeImagesJob.kind,
      title: `Describe ${plural(imageIds.length, 'image')} (${part})`,
      params: {},
      items: imageIds.map((imageId) => ({ key: String(imageId), payload: { imageId } })),
      imageIds,
      promptVersionIds: [],
    };
  }
  const settings = GenerateSettings.parse(plan.settings);
  // Pinned now, as generate.start pins them: the newest version of each image is what its items generate from.
  const promptVersionIds: number[] = [];
  const items = imageIds.flatMap((imageId) => {
    const promptVersionId = currentVersionId(db, imageId) ?? null;
    if (promptVersionId !== null) promptVersionIds.push(promptVersionId);
    return Array.from({ length: settings.perImage }, (_, k) => {
      const seed = settings.seed + k;
      return { key: `${imageId}:${seed}`, payload: { imageId, seed, promptVersionId } };
    });
  });
  return {
    stage: 'generate',
    jobKind: generateCandidatesJob.kind,
    title: `Generate ${plural(items.length, 'candidate')} (${settings.objective}, ${settings.iterations} it, strength ${settings.strength}; ${part})`,
    params: { settings },
    items,
    imageIds,
    promptVersionIds,
  };
}
