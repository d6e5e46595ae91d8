import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseElements, VlmDescriber } from '../../src/main/pipeline/describe';
import { TINY_VLM_WORDS, writeTinyVlm } from '../../src/main/pipeline/describe/tiny-vlm';
import { writeImage } from '../helpers/images';
import { tmpDir } from '../helpers/tmp';

// A tiny random LLaVA-layout model run by transformers.js from a local folder: the answers are random
// vocabulary words, so the test checks the plumbing (processor → vision encoder → merged embeddings →
// cached greedy decoding → decode → parse), not the content.

describe('VlmDescriber end to end on a tiny LLaVA', () => {
  let cleanup: () => void;
  let dir: string;
  let image: string;
  let describer: VlmDescriber;

  beforeAll(async () => {
    const tmp = tmpDir('synood-vlm-');
    cleanup = tmp.cleanup;
    dir = join(tmp.dir, 'vlm');
    writeTinyVlm(dir, { seed: 3 });
    image = join(tmp.dir, 'img.png');
    await writeImage(image, 9, 32);
    describer = await VlmDescriber.load(dir, { maxNewTokens: 10 });
  });

  afterAll(async () => {
    await describer.release();
    cleanup();
  });

  it('answers with vocabulary words, greedily (same image → same answer), parsed into elements', async () => {
    const a = await describer.describe(image, 'giant panda');
    const b = await describer.describe(image, 'giant panda');
    expect(a.rawAnswer.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    // Decoding joins tokens with spaces and then glues punctuation to its neighbours (" ." → "."),
    // so compare the letter runs with the vocabulary.
    const words = a.rawAnswer.match(/[a-z]+/g) ?? [];
    expect(words.length).toBeGreaterThan(0);
    expect(words.length).toBeLessThanOrEqual(10);
    for (const w of words) expect(TINY_VLM_WORDS).toContain(w);
    expect(a.elements).toEqual(parseElements(a.rawAnswer, 'giant panda'));
  });

  it('takes a configurable question and prompt template', async () => {
    const custom = await VlmDescriber.load(dir, { question: 'what is around the {class}?', promptTemplate: 'USER: <image>\n{question} ASSISTANT:', maxNewTokens: 4 });
    try {
      const r = await custom.describe(image, 'tree');
      expect((r.rawAnswer.match(/[a-z]+|[^a-z\s]+/g) ?? []).length).toBeLessThanOrEqual(4);
    } finally {
      await custom.release();
    }
  });

  it('refuses to go online for a folder that is not there', async () => {
    await expect(VlmDescriber.load(join(dir, 'missing'))).rejects.toThrow();
  });
});
