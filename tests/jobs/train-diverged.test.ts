import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Studio } from '../../src/main/root';
import type { Job } from '../../src/shared/api/jobs';
import { tmpDir } from '../helpers/tmp';
import { exec, oodProject, query, seedNegatives, type OodProject } from '../pipeline/ood-project';
import { jobDone, value } from '../pipeline/stage-project';

/**
 * A training run whose loss turns NaN cannot go on (every later epoch would start from the broken weights), so its
 * job must end failed with the reason, not 'completed' with every later epoch failed as an item.
 */
describe('a diverging training run', () => {
  let t: ReturnType<typeof tmpDir>;
  let p: OodProject;
  let studio: Studio;

  beforeAll(async () => {
    t = tmpDir('synood-diverge-');
    p = await oodProject(t.dir, { perClass: 4, indTest: 1, candidates: 8 });
    studio = p.studio;
    const labelIds = seedNegatives(p.projectDir, ['bamboo', 'tree', 'house', 'car'], []);
    const ids = query<{ id: number }>(p.projectDir, 'SELECT id FROM candidates ORDER BY id').map((r) => r.id);
    ids.forEach((id, i) => exec(p.projectDir, "UPDATE candidates SET status = 'accepted', label_id = ?, label_source = 'model' WHERE id = ?", labelIds[i % 4]!, id));
    exec(p.projectDir, 'UPDATE images SET selected = 1 WHERE class_id IS NOT NULL');
  }, 60_000);
  afterAll(async () => {
    await studio.close();
    t.cleanup();
  });

  it('ends its job failed with the reason, and its run row failed with the same reason', async () => {
    // SGD at lr 10 with weight decay 1 flips and grows the label features ×9 a step, until they overflow to NaN
    // (epoch 7 or so with batch 1 on 8 candidates); the epoch that diverged is known only when it happens.
    const epochs = 20;
    const { runId, jobId } = value<{ runId: number; jobId: number }>(
      await studio.call('train.start', { name: 'diverges', seed: 3, config: { stage: 'labels', epochs, batchSize: 1, lr: 10, weightDecay: 1, momentum: 0.9 } }),
    );
    const job: Job = await jobDone(studio, jobId, 90_000);
    expect(job.state.status).toBe('failed');
    const reason = job.state.status === 'failed' ? job.state.error : '';
    expect(reason).toMatch(/^training diverged: (loss is NaN|gradient of '\w+' is not finite) at epoch (\d+), step \d+ /);
    const epoch = Number(/at epoch (\d+)/.exec(reason)![1]);
    const run = query<{ status: string; error: string | null }>(p.projectDir, 'SELECT status, error FROM runs WHERE id = ?', runId)[0]!;
    expect(run).toEqual({ status: 'failed', error: reason });
    // The epochs before it are done, the one that diverged failed with the reason, the rest never ran.
    const items = query<{ seq: number; status: string; error: string | null }>(p.projectDir, 'SELECT seq, status, error FROM job_items WHERE job_id = ? ORDER BY seq', jobId);
    expect(items.map((i) => i.status)).toEqual(Array.from({ length: epochs }, (_, i) => (i + 1 < epoch ? 'done' : i + 1 === epoch ? 'failed' : 'pending')));
    expect(items[epoch - 1]!.error).toBe(reason);
  }, 120_000);
});
