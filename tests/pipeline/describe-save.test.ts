import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoData } from '../../src/main/demo/procedural-images';
import { contextPrompt } from '../../src/main/pipeline/describe/context-prompt';
import { writeTinyVlm } from '../../src/main/pipeline/describe/tiny-vlm';
import type { Studio } from '../../src/main/root';
import { ELEMENT_MAX_CHARS, fitElements, trimNotes, type PromptVersion } from '../../src/shared/api/routes/prompts';
import { tmpDir } from '../helpers/tmp';
import { imagesOf, jobDone, projectWithImages, registerModel, value } from './stage-project';

describe('fitElements: context elements within the API limits', () => {
  it('cuts an over-long element at a word boundary, marks the cut and says what was dropped', () => {
    const long = 'wall only flower background background background background background background background window bush background objects bush';
    const r = fitElements([long, 'fence']);
    expect(r.elements[0]!.length).toBeLessThanOrEqual(ELEMENT_MAX_CHARS);
    expect(r.elements[0]!.endsWith('…')).toBe(true);
    // Whole words only: the kept text is a prefix of the original that ends where a word ends.
    const kept = r.elements[0]!.slice(0, -1);
    expect(long.startsWith(kept)).toBe(true);
    expect(long[kept.length]).toBe(' ');
    expect(r.elements[1]).toBe('fence');
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toContain(long.slice(kept.length).trim());
    // Already within the limits: unchanged, and applying it twice changes nothing.
    expect(fitElements(r.elements)).toEqual({ elements: r.elements, notes: [] });
    expect(fitElements(['  ', 'a'])).toEqual({ elements: ['a'], notes: [] });
  });

  it('a single word longer than the limit is cut inside the word', () => {
    const r = fitElements(['x'.repeat(140)]);
    expect(r.elements[0]).toBe(`${'x'.repeat(ELEMENT_MAX_CHARS - 1)}…`);
  });

  it('keeps at most 50 elements and says how many were dropped', () => {
    const many = Array.from({ length: 53 }, (_, i) => `thing ${i}`);
    const r = fitElements(many);
    expect(r.elements).toHaveLength(50);
    expect(r.notes.join(' ')).toMatch(/3 more elements .*thing 50, thing 51, thing 52/);
  });

  it('trimNotes finds what a stored cut element dropped in the raw answer', () => {
    const long = 'wall only flower background background background background background background background window bush background objects bush';
    const { elements } = fitElements([long, 'fence']);
    const notes = trimNotes(elements, `Wall only flower background background background background background background background window bush background objects bush, fence.`);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/element 1/i);
    expect(notes[0]).toContain('background objects bush');
  });
});

/**
 * Issue 13 item 2: the demo's tiny VLM writes run-on answers whose elements exceeded the 100-character limit of
 * prompt.save, so editing such a prompt could never be saved. Describe the demo's 24 images, then edit and save each.
 */
describe('describe with the demo VLM, then edit and save every prompt', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let projectDir: string;

  beforeAll(async () => {
    t = tmpDir('synood-describe-save-');
    const data = await writeDemoData(path.join(t.dir, 'data'), { trainPerClass: 8, testPerClass: 0, oodPerSet: 0, size: 48 });
    projectDir = path.join(t.dir, 'proj');
    ({ studio } = await projectWithImages(path.join(t.dir, 'home'), projectDir, data.indTrain));
    writeTinyVlm(path.join(t.dir, 'tiny-llava'));
    await registerModel(projectDir, 'vlm', path.join(t.dir, 'tiny-llava'));
  }, 120_000);

  afterAll(async () => {
    await studio?.close();
    t?.cleanup();
  });

  it('every model-written prompt saves after an edit; cut elements are marked and the raw answer and prompt are untouched', async () => {
    const images = imagesOf(projectDir);
    expect(images).toHaveLength(24);
    const { jobId } = value<{ jobId: number }>(await studio.call('prompt.describe', { imageIds: images.map((i) => i.id) }));
    const job = await jobDone(studio, jobId, 120_000);
    expect(job.progress).toMatchObject({ total: 24, done: 24, failed: 0 });
    let cut = 0;
    const failures: string[] = [];
    for (const img of images) {
      const { versions } = value<{ versions: PromptVersion[] }>(await studio.call('prompt.get', { imageId: img.id }));
      const v = versions[0]!;
      expect(v.author).toBe('model');
      expect(v.prompt).toBe(contextPrompt(v.rawAnswer!));
      expect(v.elements.every((e) => e.length <= ELEMENT_MAX_CHARS)).toBe(true);
      cut += v.elements.filter((e) => e.endsWith('…')).length;
      // What the prompt editor sends after one added element.
      const r = await studio.call('prompt.save', { imageId: img.id, elements: [...v.elements, 'harbor crane'], prompt: v.prompt });
      if (!r.ok) failures.push(`${img.path}: ${r.error.message}`);
    }
    expect(failures).toEqual([]);
    // The run-on answers really were over the limit: the test would not mean much otherwise.
    expect(cut).toBeGreaterThan(5);
  });
});
