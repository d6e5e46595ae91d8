import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/main/store/db';
import { SqliteFeatureCache } from '../../src/main/store/feature-cache-sqlite';
import { tmpDir } from '../helpers/tmp';

describe('SqliteFeatureCache', () => {
  let t: ReturnType<typeof tmpDir>;
  afterEach(() => t.cleanup());

  it('round-trips features exactly, keyed by image, model and preprocessing, across reopen', () => {
    t = tmpDir();
    const file = path.join(t.dir, 'synood.db');
    const db = openDb(file);
    const cache = new SqliteFeatureCache(db);
    const backing = new Float32Array([9, 1.5, -2.25, 3e-8, 7]);
    const f = backing.subarray(1, 4); // an offset view, as encoders hand out
    cache.put('img1', 'modelA', 'clip-cubic-224', f);
    expect(cache.get('img1', 'modelA', 'neglabel-linear-224')).toBeUndefined();
    expect(cache.get('img1', 'modelB', 'clip-cubic-224')).toBeUndefined();
    db.close();
    const again = new SqliteFeatureCache(openDb(file));
    expect(Array.from(again.get('img1', 'modelA', 'clip-cubic-224')!)).toEqual([1.5, -2.25, 3e-8].map((v) => Math.fround(v)));
  });
});
