import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { saveModel } from '../../src/main/onnx';
import { IND_CLASS_NAMES, negativeVocabulary, worldSplit } from '../../src/main/world';
import { MAX_TOKENS, tokenize, VOCABULARY } from '../../src/main/world/clip/tokenizer';
import { trainWorldClip } from '../../src/main/world/clip/train-clip';
import { embedTexts } from '../../src/main/world/clip/zero-shot';

const hash = (m: Parameters<typeof saveModel>[0]) => createHash('sha256').update(saveModel(m)).digest('hex');

describe('tiny CLIP tokenizer', () => {
  it('knows every caption and vocabulary word, drops function words, pads with 0', () => {
    const captions = worldSplit('world-train', { count: 42 }).flatMap((i) => i.captions);
    const t = tokenize(captions);
    expect(t.ids.every((id) => id !== 1n)).toBe(true);
    for (const w of negativeVocabulary()) expect(VOCABULARY).toContain(w.word.split(' ')[0]);
    const one = tokenize(['a photo of a red plain circle']);
    expect(Array.from(one.ids.subarray(0, 4), Number).map((i) => VOCABULARY[i])).toEqual(['red', 'plain', 'circle', '<pad>']);
    expect(Array.from(one.mask.subarray(0, MAX_TOKENS)).reduce((a, b) => a + b)).toBe(3);
  });
});

describe('tiny CLIP training', () => {
  it('a short contrastive run lowers the loss, is reproducible, and yields distinct class prompt embeddings', async () => {
    const small = { trainImages: 84, batchSize: 42, epochs: 3, lr: 3e-3, intraOpNumThreads: 1 };
    const losses: number[] = [];
    const a = await trainWorldClip({ ...small, onStep: (m) => losses.push(m.loss) });
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    const b = await trainWorldClip(small);
    expect(hash(b.imageModel)).toBe(hash(a.imageModel));
    expect(hash(b.textModel)).toBe(hash(a.textModel));
    const text = await embedTexts(a.textModel, IND_CLASS_NAMES.map((n) => `a photo of a ${n}`));
    expect(text.length).toBe(IND_CLASS_NAMES.length * (text.length / IND_CLASS_NAMES.length));
    expect(Array.from(text.subarray(0, 4))).not.toEqual(Array.from(text.subarray(text.length / 10, text.length / 10 + 4)));
  }, 180_000);
});
