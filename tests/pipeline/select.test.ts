import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Studio } from '../../src/main/root';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { imagesOf, jobDone, openProbe, projectWithImages, value } from './stage-project';

/** Width and height straight from a PNG's IHDR chunk (bytes 16–23, big-endian), independent of any image library. */
function pngSize(file: string): { width: number; height: number } {
  const b = fs.readFileSync(file);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** docs/METHOD.md §1 written out: per class, bytes/(w·h) descending (ties by path), keep the first k. */
function expectedSubset(root: string, k: number): string[] {
  const out: string[] = [];
  for (const cls of fs.readdirSync(root).sort()) {
    const files = fs.readdirSync(path.join(root, cls)).filter((f) => !f.startsWith('broken_'));
    const ranked = files
      .map((f) => {
        const file = path.join(root, cls, f);
        const { width, height } = pngSize(file);
        return { rel: `${cls}/${f}`, bpp: fs.statSync(file).size / (width * height) };
      })
      .sort((a, b) => b.bpp - a.bpp || (a.rel < b.rel ? -1 : 1));
    out.push(...ranked.slice(0, k).map((r) => r.rel));
  }
  return out.sort();
}

describe('subset.select', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let projectDir: string;
  let indId: number;
  let flatId: number;
  let oodId: number;
  const src = () => path.join(t.dir, 'ind');

  beforeAll(async () => {
    t = tmpDir('synood-select-');
    // Sizes out of name order, so the ranking (small PNGs pay more header bytes per pixel) differs from the names'.
    const sizes = [40, 24, 16, 33, 20, 28];
    for (const [ci, cls] of ['cat', 'dog', 'fox'].entries()) {
      for (let i = 0; i < 6; i++) await writeImage(path.join(src(), cls, `${cls}_000${i}.png`), ci * 100 + i, sizes[(i + ci) % 6]!);
    }
    // A PNG header with a broken body: skipped at import, so never ranked.
    fs.writeFileSync(path.join(src(), 'cat', 'broken_0.png'), Buffer.concat([fs.readFileSync(path.join(src(), 'cat', 'cat_0000.png')).subarray(0, 40), Buffer.from('garbage')]));
    for (let i = 0; i < 3; i++) await writeImage(path.join(t.dir, 'flat', `f${i}.png`), 500 + i, 20);
    projectDir = path.join(t.dir, 'proj');
    ({ studio, datasetId: indId } = await projectWithImages(path.join(t.dir, 'home'), projectDir, src()));
    const flat = value<{ datasetId: number; jobId: number }>(
      await studio.call('dataset.import', { name: 'flat', kind: 'ind-train', source: { type: 'folder', path: path.join(t.dir, 'flat'), layout: 'flat' } }),
    );
    const ood = value<{ datasetId: number; jobId: number }>(
      await studio.call('dataset.import', { name: 'ood', kind: 'ood-test', source: { type: 'folder', path: src(), layout: 'imagefolder' } }),
    );
    await jobDone(studio, flat.jobId);
    await jobDone(studio, ood.jobId);
    flatId = flat.datasetId;
    oodId = ood.datasetId;
  }, 60_000);

  afterAll(async () => {
    await studio.close();
    t.cleanup();
  });

  const selectedPaths = (datasetId: number) => {
    const db = openProbe(projectDir);
    try {
      return (db.prepare('SELECT path FROM images WHERE dataset_id = ? AND selected = 1 ORDER BY path').pluck().all(datasetId) as string[]).map((p) => p.replace(/^datasets\/\d+\//, ''));
    } finally {
      db.close();
    }
  };

  it('marks the top k per class by bytes per pixel, over every InD-train dataset', async () => {
    const out = value<{ datasets: number; classes: number; selected: number; unclassed: number }>(await studio.call('subset.select', { k: 2 }));
    expect(out).toEqual({ datasets: 2, classes: 3, selected: 6, unclassed: 3 });
    expect(selectedPaths(indId)).toEqual(expectedSubset(src(), 2));
    // The ranking matters here: it is not simply the first files of each class.
    const firstByName = ['cat', 'dog', 'fox'].flatMap((c) => [0, 1].map((i) => `${c}/${c}_000${i}.png`));
    expect(expectedSubset(src(), 2)).not.toEqual(firstByName);
    // Unclassed images (a flat import) and non-InD datasets are never selected.
    expect(selectedPaths(flatId)).toEqual([]);
    expect(selectedPaths(oodId)).toEqual([]);
  });

  it('a new selection replaces the old one; k above a class size keeps the whole class; corrupt files never count', async () => {
    value(await studio.call('subset.select', { datasetId: indId, k: 4 }));
    expect(selectedPaths(indId)).toEqual(expectedSubset(src(), 4));
    const all = value<{ selected: number }>(await studio.call('subset.select', { datasetId: indId, k: 50 }));
    expect(all.selected).toBe(18);
    expect(selectedPaths(indId).some((p) => p.includes('broken_'))).toBe(false);
  });

  it('the generate stage sees the subset as its source', async () => {
    value(await studio.call('subset.select', { k: 1 }));
    const ids = imagesOf(projectDir).filter((i) => expectedSubset(src(), 1).some((rel) => i.path.endsWith(`/${rel}`)) && i.path.startsWith(`datasets/${indId}/`));
    expect(ids).toHaveLength(3);
    const db = openProbe(projectDir);
    try {
      expect(db.prepare('SELECT id FROM images WHERE selected = 1 ORDER BY id').pluck().all()).toEqual(ids.map((i) => i.id));
    } finally {
      db.close();
    }
  });

  it('refuses a dataset that is not InD-train, and an unknown one', async () => {
    const ood = await studio.call('subset.select', { datasetId: oodId, k: 2 });
    expect(ood.ok).toBe(false);
    if (!ood.ok) expect(ood.error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/ood-test/) });
    const missing = await studio.call('subset.select', { datasetId: 9999, k: 2 });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.code).toBe('not_found');
  });
});
