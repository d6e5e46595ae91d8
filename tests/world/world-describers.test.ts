import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipNounDescriber } from '../../src/main/pipeline/describe/clip-noun-describer';
import { createTransformersClipEncoder, type ClipEncoder } from '../../src/main/pipeline/features';
import { BACKGROUNDS, ELEMENTS, IND_CLASS_NAMES, pngOf, worldSplit, type WorldImage } from '../../src/main/world';
import { committedWorldClipFiles, writeWorldClipFolder } from '../../src/main/world/clip/pipeline-folder';
import { oracleElements, WORLD_DESCRIBER_NOUNS } from '../../src/main/world/describers';

const RES = path.join(__dirname, '../../resources/world');
const N = 200;
const K = 4;

let root: string;
let encoder: ClipEncoder;
let images: WorldImage[];
let files: string[];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'world-describers-'));
  const dir = path.join(root, 'world-clip');
  writeWorldClipFolder(dir, committedWorldClipFiles(RES));
  // The describe job's encoder (openRegisteredClip): transformers.js with the folder's own processor.
  encoder = await createTransformersClipEncoder({ modelDir: dir });
  images = worldSplit('ind-train', { count: N });
  files = [];
  for (const img of images) {
    const f = path.join(root, `${img.id}.png`);
    fs.writeFileSync(f, await pngOf(img.pixels));
    files.push(f);
  }
}, 60_000);

afterAll(async () => {
  await encoder.release();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('the CLIP-noun describer on the world (tiny CLIP, world nouns)', () => {
  it(`top-${K} nouns find the true elements and background of ${N} InD training images far above chance`, async () => {
    const describer = new ClipNounDescriber({ encoder, vocabulary: [...WORLD_DESCRIBER_NOUNS], topK: K });
    let hits = 0;
    let said = 0;
    let truths = 0;
    let backgroundHits = 0;
    let elementHits = 0;
    let elementTruths = 0;
    let distractors = 0;
    const worldNouns = new Set<string>([...ELEMENTS, ...BACKGROUNDS]);
    for (let i = 0; i < N; i++) {
      const img = images[i]!;
      const { elements } = await describer.describe(files[i]!, IND_CLASS_NAMES[img.indClass!]!);
      const truth = new Set(oracleElements(img));
      const found = elements.filter((e) => truth.has(e));
      hits += found.length;
      said += elements.length;
      truths += truth.size;
      if (elements.includes(img.background!)) backgroundHits++;
      elementHits += img.elements.filter((e) => elements.includes(e)).length;
      elementTruths += img.elements.length;
      distractors += elements.filter((e) => !worldNouns.has(e)).length;
    }
    const V = WORLD_DESCRIBER_NOUNS.length;
    const precision = hits / said;
    const recall = hits / truths;
    // A describer drawing K nouns at random: precision = mean |truth| / V, recall = K / V.
    const chancePrecision = truths / N / V;
    const chanceRecall = K / V;
    console.log(
      `RESULT clip_noun_describer images=${N} k=${K} vocabulary=${V} precision=${precision.toFixed(3)} recall=${recall.toFixed(3)} ` +
        `background_recall=${(backgroundHits / N).toFixed(3)} element_recall=${(elementHits / elementTruths).toFixed(3)} distractor_share=${(distractors / said).toFixed(3)} ` +
        `chance_precision=${chancePrecision.toFixed(3)} chance_recall=${chanceRecall.toFixed(3)}`,
    );
    expect(said).toBe(N * K);
    expect(precision).toBeGreaterThan(2 * chancePrecision);
    expect(recall).toBeGreaterThan(2 * chanceRecall);
    // The background is what the tiny CLIP sees best (measured 100%); chance is K / V = 15%.
    expect(backgroundHits / N).toBeGreaterThanOrEqual(0.8);
  }, 180_000);

  it('leaves out the class: no word of a phrase class name is ever said, even when it is the best match', async () => {
    const img = images[0]!;
    const className = IND_CLASS_NAMES[img.indClass!]!;
    const classWords = className.split(' ');
    const vocabulary = [...WORLD_DESCRIBER_NOUNS, ...classWords];
    const all = new ClipNounDescriber({ encoder, vocabulary, topK: vocabulary.length });
    const { elements } = await all.describe(files[0]!, className);
    expect(elements).toHaveLength(WORLD_DESCRIBER_NOUNS.length);
    for (const w of classWords) expect(elements).not.toContain(w);
    // Without the class, its shape word is the image's best noun (the tower was trained on object captions).
    const { elements: other } = await all.describe(files[0]!, 'nothing');
    expect(other.slice(0, 3)).toContain(classWords.at(-1));
  });
});
