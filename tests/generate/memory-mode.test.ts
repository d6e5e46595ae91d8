import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyClassifier, writeTinySdInpaint } from '../../src/main/onnx/factory';
import { generateCandidate, loadGuidanceClassifier, loadInpaintModels, releaseGuidance, type CandidateOptions } from '../../src/main/pipeline/generate';
import { inpaintMemoryMode, LOW_MEMORY_BELOW_BYTES } from '../../src/main/pipeline/generate/memory-mode';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';

const GiB = 2 ** 30;

describe('inpainting memory mode', () => {
  it('SYNOOD_MEMORY chooses; without it, machines under 20 GiB run low, larger ones fast; a bad value names the variable', () => {
    expect(inpaintMemoryMode({ SYNOOD_MEMORY: 'low' }, 64 * GiB)).toBe('low');
    expect(inpaintMemoryMode({ SYNOOD_MEMORY: ' Fast ' }, 8 * GiB)).toBe('fast');
    expect(inpaintMemoryMode({}, 16 * GiB)).toBe('low');
    expect(inpaintMemoryMode({}, 24 * GiB)).toBe('fast');
    expect(LOW_MEMORY_BELOW_BYTES).toBe(20 * GiB);
    expect(() => inpaintMemoryMode({ SYNOOD_MEMORY: 'tiny' }, 8 * GiB)).toThrow('SYNOOD_MEMORY must be "low" or "fast", got "tiny"');
  });

  it('low returns a run\'s working memory when the run ends; fast (the arena) keeps it; the output is the same', () => {
    // Each mode in a fresh process, so its RSS is its own: a graph with ~256 MB of intermediates, run twice.
    const child = join(__dirname, 'fixtures/session-memory-child.ts');
    const run = (mode: string) => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', child, mode], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { heldMb: number; y: number };
    };
    const fast = run('fast');
    const low = run('low');
    // Measured: fast holds 337 MB after the runs, low 1.6 MB.
    expect(fast.heldMb).toBeGreaterThan(200);
    expect(low.heldMb).toBeLessThan(32);
    expect(low.y).toBe(fast.y);
  }, 120_000);

  describe('a guided candidate', () => {
    let dir: string;
    let cleanup: () => void;
    beforeAll(async () => {
      const tmp = tmpDir('synood-memory-mode-');
      ({ dir, cleanup } = tmp);
      writeTinySdInpaint(join(dir, 'sd'), { seed: 21 });
      writeTinyClassifier(join(dir, 'classifier.onnx'), { seed: 22, numClasses: 10 });
      await writeImage(join(dir, 'source.png'), 7, 40);
    });
    afterAll(() => cleanup());

    it('is byte for byte the same in low and fast mode, and the models say which mode they run', async () => {
      const classifier = loadGuidanceClassifier(join(dir, 'classifier.onnx'));
      const opts: CandidateOptions = { image: join(dir, 'source.png'), prompt: 'A photo only remain bamboo, leaf.', width: 64, height: 64, steps: 4, objective: 'official', seed: 3 };
      const images: Uint8Array[] = [];
      for (const memory of ['fast', 'low'] as const) {
        const models = await loadInpaintModels(join(dir, 'sd'), { providers: ['cpu'], memory });
        try {
          expect(models.memory).toBe(memory);
          images.push((await generateCandidate(models, classifier, opts)).image.data);
        } finally {
          await releaseGuidance(models);
          await models.release();
        }
      }
      expect(Buffer.from(images[1]!).equals(Buffer.from(images[0]!))).toBe(true);
    }, 60_000);
  });
});
