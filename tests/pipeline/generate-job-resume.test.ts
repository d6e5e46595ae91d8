import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../src/main/root';
import type { GenerateSettings } from '../../src/shared/api/routes/generate';
import { writeImage } from '../helpers/images';
import { tmpDir, waitFor } from '../helpers/tmp';
import { registerGenerationModels, writeTinyGenerationModels, type TinyGenerationModels } from './generation-models';
import { imagesOf, jobDone, openProbe, projectWithImages, value } from './stage-project';

const SETTINGS: Partial<GenerateSettings> = { objective: 'official', steps: 4, iterations: 2, seed: 11, perImage: 3 };

/** Candidate files by (source path, seed): comparable across projects, whose ids differ. */
function candidateFiles(projectDir: string, jobId: number): Map<string, Buffer> {
  const db = openProbe(projectDir);
  try {
    const rows = db
      .prepare('SELECT i.path, c.seed, c.file_path, c.unguided_path FROM candidates c JOIN images i ON i.id = c.source_image_id WHERE c.job_id = ?')
      .all(jobId) as { path: string; seed: number; file_path: string; unguided_path: string | null }[];
    // The unguided image is committed with its row like the candidate's own file (null would fail the read).
    return new Map(
      rows.flatMap((r) => {
        const key = `${r.path.replace(/^datasets\/\d+\//, '')}#${r.seed}`;
        return [
          [key, fs.readFileSync(path.join(projectDir, r.file_path))],
          [`${key}#unguided`, fs.readFileSync(path.join(projectDir, r.unguided_path!))],
        ] as [string, Buffer][];
      }),
    );
  } finally {
    db.close();
  }
}

describe('generate.candidates: durability and reproducibility', () => {
  let t: ReturnType<typeof tmpDir>;
  let models: TinyGenerationModels;
  let src: string;

  beforeAll(async () => {
    t = tmpDir('synood-generate-resume-');
    src = path.join(t.dir, 'src');
    for (const [ci, cls] of ['cat', 'dog'].entries()) await writeImage(path.join(src, cls, '0.png'), ci + 3, 48);
    models = writeTinyGenerationModels(path.join(t.dir, 'models'));
  });
  afterAll(() => t.cleanup());

  /** A project with the images imported, the models registered, a prompt per image, and the job queued. */
  async function queued(name: string) {
    const projectDir = path.join(t.dir, name);
    const home = path.join(t.dir, `${name}-home`);
    const { studio } = await projectWithImages(home, projectDir, src);
    await registerGenerationModels(projectDir, models);
    const images = imagesOf(projectDir);
    for (const img of images) value(await studio.call('prompt.save', { imageId: img.id, elements: ['sand'], prompt: `A photo only remain sand near the ${img.className}.` }));
    const { jobId, items } = value<{ jobId: number; items: number }>(await studio.call('generate.start', { source: { type: 'images', imageIds: images.map((i) => i.id) }, settings: SETTINGS }));
    return { studio, projectDir, home, jobId, items };
  }

  it('a SIGKILLed job resumes without duplicates, and the same seeds give the same bytes as an uninterrupted run elsewhere', async () => {
    const reference = await queued('reference');
    expect((await jobDone(reference.studio, reference.jobId, 120_000)).state.status).toBe('completed');
    await reference.studio.close();
    const expected = candidateFiles(reference.projectDir, reference.jobId);
    expect(expected.size).toBe(12);

    const killed = await queued('killed');
    const probe = openProbe(killed.projectDir);
    const count = () => probe.prepare('SELECT count(*) FROM candidates WHERE job_id = ?').pluck().get(killed.jobId) as number;
    await waitFor(() => count() >= 1, 120_000, 5);
    const pid = killed.studio.jobProcessPid!;
    // Close first so the supervisor does not restart the process: the restart below is a cold one.
    const stopping = killed.studio.close();
    process.kill(pid, 'SIGKILL');
    await stopping;
    const atKill = count();
    expect(atKill).toBeLessThan(killed.items);

    const again = new Studio({ transport: 'direct', homeDir: killed.home });
    value(await again.call('project.open', { dir: killed.projectDir }));
    expect((await jobDone(again, killed.jobId, 120_000)).state.status).toBe('completed');
    await again.close();

    expect(count()).toBe(killed.items);
    const keys = probe.prepare('SELECT source_image_id, seed, objective FROM candidates WHERE job_id = ?').all(killed.jobId) as object[];
    expect(new Set(keys.map((k) => JSON.stringify(k))).size).toBe(killed.items);
    const items = probe.prepare('SELECT status, attempts FROM job_items WHERE job_id = ?').all(killed.jobId) as { status: string; attempts: number }[];
    expect(items.every((i) => i.status === 'done' && i.attempts === 1)).toBe(true);
    probe.close();

    const got = candidateFiles(killed.projectDir, killed.jobId);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, bytes] of expected) expect(got.get(key)!.equals(bytes), key).toBe(true);
    // Seeds differ per candidate of one image, so do the images.
    expect(expected.get('cat/0.png#11')!.equals(expected.get('cat/0.png#12')!)).toBe(false);
    const leftovers = fs.readdirSync(killed.projectDir, { recursive: true }).map(String).filter((f) => /\.\d+\.[0-9a-f]{8}\.tmp$/.test(f));
    expect(leftovers).toEqual([]);
  }, 240_000);
});
