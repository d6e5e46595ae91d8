import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../files/atomic';
import { GenerateSettings, GenerateSource } from '../../shared/api/routes/generate';

export const MANIFEST_FILE = 'shard.json';

const Plan = z.discriminatedUnion('stage', [
  z.object({ stage: z.literal('generate'), source: GenerateSource, settings: GenerateSettings }),
  z.object({ stage: z.literal('describe'), source: GenerateSource }),
]);

/** Written into a bundle when it is created; what `synood merge` and a resumed shard read. */
export const BundleManifest = z.object({
  format: z.literal('synood-shard-bundle'),
  formatVersion: z.literal(1),
  /** A UUID: the identity `shard_merges` records, so the same bundle is never merged twice. */
  bundleId: z.uuid(),
  stage: z.enum(['describe', 'generate']),
  index: z.number().int().min(0),
  count: z.number().int().min(1),
  plan: Plan,
  /** The project the shard was cut from: merge refuses another one. */
  parent: z.object({ dir: z.string(), name: z.string(), createdAt: z.number() }),
  /** The bundle's own job (its id inside the bundle database). */
  jobId: z.number().int(),
  /** Prompt versions copied from the parent with their ids (generate pins them): never merged as new versions. */
  inheritedPromptVersionIds: z.array(z.number().int()),
  createdAt: z.number(),
});
export type BundleManifest = z.infer<typeof BundleManifest>;

export function writeManifest(bundleDir: string, m: BundleManifest): void {
  writeFileAtomic(path.join(bundleDir, MANIFEST_FILE), JSON.stringify(m, null, 2) + '\n');
}

export function readManifest(bundleDir: string): BundleManifest {
  const file = path.join(bundleDir, MANIFEST_FILE);
  if (!fs.existsSync(file)) throw new Error(`${bundleDir} is not a shard bundle (no ${MANIFEST_FILE})`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = BundleManifest.safeParse(raw);
  if (!parsed.success) throw new Error(`${file} is not a shard bundle manifest this build can read: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

/** Key order fixed, so two equal plans compare equal as text. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
