import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Studio } from '../../src/main/root';
import { IND_CLASS_NAMES, writeSplit, type SplitManifest } from '../../src/main/world';
import { committedWorldClipFiles, writeWorldClipFolder } from '../../src/main/world/clip/pipeline-folder';
import { describeWorldImages, ORACLE_SOURCE, WORLD_DESCRIBER_NOUNS, type RouteCall } from '../../src/main/world/describers';
import { tmpDir } from '../helpers/tmp';
import { imagesOf, jobDone, openProbe, projectWithImages, registerModel, value, type ImageInfo } from '../pipeline/stage-project';

interface VersionRow {
  image_id: number;
  author: string;
  model: string | null;
  elements_json: string;
  prompt: string;
}

/** A project of world InD training images (imagefolder by class), with the tiny CLIP registered as its CLIP. */
describe('world describers through the describe route', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let projectDir: string;
  let images: ImageInfo[];
  let manifest: SplitManifest;
  const call: RouteCall = async (route, input) => value(await studio.call(route, input));

  beforeAll(async () => {
    t = tmpDir('synood-world-describe-');
    const flat = path.join(t.dir, 'flat');
    manifest = await writeSplit(flat, 'ind-train', { count: 9 });
    const src = path.join(t.dir, 'src');
    for (const e of manifest.images) {
      const cls = path.join(src, IND_CLASS_NAMES[e.indClass!]!);
      fs.mkdirSync(cls, { recursive: true });
      fs.copyFileSync(path.join(flat, e.file), path.join(cls, e.file));
    }
    projectDir = path.join(t.dir, 'proj');
    ({ studio } = await projectWithImages(path.join(t.dir, 'home'), projectDir, src));
    images = imagesOf(projectDir);
    const clipDir = path.join(t.dir, 'world-clip');
    writeWorldClipFolder(clipDir, committedWorldClipFiles(path.join(__dirname, '../../resources/world')));
    await registerModel(projectDir, 'clip', clipDir);
  }, 120_000);

  afterAll(async () => {
    await studio.close();
    t.cleanup();
  });

  const versions = (): VersionRow[] => {
    const db = openProbe(projectDir);
    try {
      return db.prepare('SELECT image_id, author, model, elements_json, prompt FROM prompt_versions ORDER BY id').all() as VersionRow[];
    } finally {
      db.close();
    }
  };

  it('oracle: each image gets its ground-truth elements and background, labelled as ground truth', async () => {
    const job = await jobDone(studio, await describeWorldImages(call, { describer: 'oracle', imageIds: images.map((i) => i.id), manifests: [manifest] }));
    expect(job.progress).toMatchObject({ total: images.length, done: images.length, failed: 0 });
    const rows = versions();
    expect(rows).toHaveLength(images.length);
    for (const row of rows) {
      const img = images.find((i) => i.id === row.image_id)!;
      const truth = manifest.images.find((e) => e.file === path.basename(img.path))!;
      expect(row.model).toBe(`given:${ORACLE_SOURCE}`);
      expect(JSON.parse(row.elements_json)).toEqual([...truth.elements, truth.background]);
      expect(row.prompt).toBe(`A photo only remain ${[...truth.elements, truth.background].join(', ')}.`);
    }
    // The job's title says where the prompts came from, too.
    expect(job.title).toContain(ORACLE_SOURCE);
  }, 60_000);

  it('clip-noun: the job runs the CLIP-noun describer over the world nouns (4 per image), labelled with the vocabulary', async () => {
    const before = versions().length;
    const job = await jobDone(studio, await describeWorldImages(call, { describer: 'clip-noun', imageIds: images.map((i) => i.id) }));
    expect(job.progress).toMatchObject({ total: images.length, done: images.length, failed: 0 });
    const rows = versions().slice(before);
    expect(rows).toHaveLength(images.length);
    for (const row of rows) {
      expect(row.model).toBe(`clip-nouns:world-clip:${WORLD_DESCRIBER_NOUNS.length} nouns`);
      const elements = JSON.parse(row.elements_json) as string[];
      expect(elements).toHaveLength(4);
      for (const e of elements) expect(WORLD_DESCRIBER_NOUNS).toContain(e);
    }
  }, 120_000);

  it('refuses given descriptions that do not line up with the images, and nouns with given together', async () => {
    const ids = images.map((i) => i.id);
    const short = await studio.call('prompt.describe', { imageIds: ids, given: { source: ORACLE_SOURCE, elements: [['tree']] } });
    expect(short.ok).toBe(false);
    const both = await studio.call('prompt.describe', { imageIds: ids, nouns: ['tree'], given: { source: ORACLE_SOURCE, elements: ids.map(() => ['tree']) } });
    expect(both.ok).toBe(false);
  });
});
