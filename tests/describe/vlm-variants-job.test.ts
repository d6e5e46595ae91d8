// The describe job (real Studio, job process and SQLite) with a VLM registered from a folder holding only
// transformers.js' q4 variants: the job loads what is there, and the version it writes names the precision.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VlmDescriber } from '../../src/main/pipeline/describe';
import { writeTinyVlm } from '../../src/main/pipeline/describe/tiny-vlm';
import type { Studio } from '../../src/main/root';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';
import { imagesOf, jobDone, openProbe, projectWithImages, registerModel, value } from '../pipeline/stage-project';

describe('describe.images job on a q4-only VLM', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let projectDir: string;
  const vlmDir = () => path.join(t.dir, 'tiny-vlm-q4');

  beforeAll(async () => {
    t = tmpDir('synood-vlm-q4-job-');
    const src = path.join(t.dir, 'src');
    await writeImage(path.join(src, 'giant panda', '0.png'), 4, 32);
    projectDir = path.join(t.dir, 'proj');
    ({ studio } = await projectWithImages(path.join(t.dir, 'home'), projectDir, src));
    writeTinyVlm(vlmDir(), { seed: 3, dtypes: ['q4'] });
    await registerModel(projectDir, 'vlm', vlmDir());
  }, 60_000);

  afterAll(async () => {
    await studio.close();
    t.cleanup();
  });

  it('describes one item with the q4 sessions and records the precision in the version', async () => {
    const [img] = imagesOf(projectDir);
    const { jobId } = value<{ jobId: number }>(await studio.call('prompt.describe', { imageIds: [img!.id] }));
    const job = await jobDone(studio, jobId);
    expect(job.state.status).toBe('completed');
    expect(job.progress).toMatchObject({ total: 1, done: 1, failed: 0 });

    const db = openProbe(projectDir);
    const row = db.prepare('SELECT model, raw_answer FROM prompt_versions WHERE image_id = ?').get(img!.id) as { model: string; raw_answer: string };
    db.close();
    expect(row.model).toBe('vlm:tiny-vlm-q4:q4');

    const direct = await VlmDescriber.load(vlmDir());
    try {
      expect(direct.dtypes).toEqual({ vision_encoder: 'q4', embed_tokens: 'q4', decoder_model_merged: 'q4' });
      expect(row.raw_answer).toBe((await direct.describe(path.join(projectDir, img!.path), img!.className!)).rawAnswer);
    } finally {
      await direct.release();
    }
  });
});
