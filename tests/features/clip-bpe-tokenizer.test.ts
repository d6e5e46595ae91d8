// CLIP tokenizer folders without tokenizer.json (Optimum / Hugging Face slow layout: vocab.json + merges.txt
// + special_tokens_map.json + tokenizer_config.json; OpenAI layout: vocab.json + merges.txt alone) give the
// same token ids as the tokenizer.json route. Both layouts are written from the factory's CLIP tokenizer.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClipTokenizerFiles, writeTinyClip } from '../../src/main/onnx/factory';
import { createOnnxClipEncoder } from '../../src/main/pipeline/features/onnx-clip-encoder';
import { loadClipTokenizer, parseMerges, readClipTokenizerFolder } from '../../src/main/pipeline/features/clip-tokenizer-files';
import { loadLocalTokenizer, type TextTokenizer } from '../../src/main/pipeline/features/tokenize';

const TEXTS = [
  'a photo of a cat',
  'A Photo of THE Dog.',
  'this is a nice photo of a panda eating bamboo',
  "it's the tourist's car, isn't it?",
  '  lots   of\twhitespace\nand newlines  ',
  'numbers 12345 and 3.14 and 1,000',
  'punctuation!!! ?? ... -- (brackets) [x] {y}',
  'café naïve résumé Ångström',
  '日本語のテキスト and 中文',
  'emoji 🐼🎋 mixed with words',
  'x',
  '',
  'a very long prompt '.repeat(30),
  'red blue green sky water flower bird tree house leaf railing fish',
];

const root = mkdtempSync(join(tmpdir(), 'synood-clip-bpe-'));

/** Writes one tokenizer in the fast layout and in the two slow layouts. */
function writeLayouts(name: string, padToken?: string): { fast: string; slow: string; openai: string } {
  const tok = buildClipTokenizerFiles(padToken ? { padToken } : {});
  const json = tok.files['tokenizer.json'] as { model: { vocab: Record<string, number>; merges: string[] } };
  const dirs = { fast: join(root, name, 'fast'), slow: join(root, name, 'slow'), openai: join(root, name, 'openai') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  for (const [file, content] of Object.entries(tok.files)) writeFileSync(join(dirs.fast, file), JSON.stringify(content));
  // Hugging Face's save_pretrained of the slow tokenizer: vocab.json, merges.txt with its version header,
  // special tokens as AddedToken-like objects, and a tokenizer_config.json without tokenizer.json.
  for (const d of [dirs.slow, dirs.openai]) {
    writeFileSync(join(d, 'vocab.json'), JSON.stringify(json.model.vocab));
    writeFileSync(join(d, 'merges.txt'), `#version: 0.2\n${json.model.merges.join('\n')}\n`);
  }
  const specials = tok.files['special_tokens_map.json'] as Record<string, string>;
  const asObject = (content: string) => ({ content, lstrip: false, normalized: true, rstrip: false, single_word: false });
  writeFileSync(join(dirs.slow, 'special_tokens_map.json'), JSON.stringify(Object.fromEntries(Object.entries(specials).map(([k, v]) => [k, asObject(v)]))));
  const config = { ...(tok.files['tokenizer_config.json'] as Record<string, unknown>) };
  for (const k of ['bos_token', 'eos_token', 'unk_token', 'pad_token']) delete config[k];
  writeFileSync(join(dirs.slow, 'tokenizer_config.json'), JSON.stringify(config));
  return dirs;
}

let clip: ReturnType<typeof writeLayouts>;
let sd2: ReturnType<typeof writeLayouts>;

beforeAll(() => {
  clip = writeLayouts('clip');
  sd2 = writeLayouts('sd2', '!');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function ids(tokenizer: TextTokenizer, texts: string[]): { ids: number[]; mask: number[]; length: number } {
  const t = tokenizer(texts);
  return { ids: Array.from(t.inputIds, Number), mask: Array.from(t.attentionMask, Number), length: t.length };
}

describe('CLIP BPE tokenizer from vocab.json + merges.txt', () => {
  it('reads merges.txt with its version header, CRLF line ends and a trailing newline', () => {
    expect(parseMerges('#version: 0.2\r\na b\r\nab c</w>\r\n\r\n')).toEqual(['a b', 'ab c</w>']);
    expect(parseMerges('a b\nc d')).toEqual(['a b', 'c d']);
  });

  it('builds the same tokenizer.json model and post-processor as the fast layout', () => {
    const fast = readClipTokenizerFolder(clip.fast);
    const slow = readClipTokenizerFolder(clip.slow);
    expect(fast.layout).toBe('tokenizer.json');
    expect(slow.layout).toBe('vocab.json+merges.txt');
    for (const key of ['model', 'normalizer', 'pre_tokenizer', 'post_processor', 'decoder', 'added_tokens']) {
      expect(slow.tokenizerJson[key], key).toEqual(fast.tokenizerJson[key]);
    }
    expect(slow.tokenizerConfig).toMatchObject({ bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', model_max_length: 77 });
  });

  for (const layout of ['slow', 'openai'] as const) {
    it(`${layout} layout: token ids and attention masks equal the tokenizer.json route's (padding, truncation at 77)`, async () => {
      const fast = await loadLocalTokenizer(clip.fast);
      const other = await loadLocalTokenizer(clip[layout]);
      for (const text of TEXTS) expect(ids(other, [text]), JSON.stringify(text)).toEqual(ids(fast, [text]));
      const batch = ids(other, TEXTS);
      expect(batch).toEqual(ids(fast, TEXTS));
      expect(batch.length).toBe(77);
      // <|startoftext|> a photo of a cat <|endoftext|>: the prompt words are single merged tokens.
      const one = ids(other, ['a photo of a cat']);
      expect(one.ids).toHaveLength(7);
      expect(one.ids[0]).toBe(JSON.parse(readFileSync(join(clip.slow, 'vocab.json'), 'utf8'))['<|startoftext|>']);
    });
  }

  it('SD 2 tokenizer (pad token "!", an ordinary vocabulary entry): same ids, pads with id 0', async () => {
    const fast = await loadLocalTokenizer(sd2.fast);
    const slow = await loadLocalTokenizer(sd2.slow);
    const texts = ['a cat', 'a photo of a red bird in a tree'];
    const a = ids(slow, texts);
    expect(a).toEqual(ids(fast, texts));
    expect(a.ids.slice(0, a.length)).toContain(0);
    const tokenizer = await loadClipTokenizer(sd2.slow);
    expect(tokenizer.pad_token_id).toBe(0);
    expect(tokenizer.decode(tokenizer.encode('a photo of a cat'), { skip_special_tokens: true })).toBe('a photo of a cat');
  });

  it('says what is missing for a folder with neither layout', () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    writeFileSync(join(empty, 'vocab.json'), '{}');
    expect(() => readClipTokenizerFolder(empty)).toThrow(/no tokenizer\.json, and no merges\.txt/);
  });

  it('the ONNX CLIP encoder embeds texts with a vocab.json + merges.txt folder as with tokenizer.json', async () => {
    const modelDir = join(root, 'tiny-clip');
    writeTinyClip(modelDir, { seed: 5 });
    const slowDir = join(root, 'tiny-clip-slow-tokenizer');
    mkdirSync(slowDir);
    const json = JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number>; merges: string[] } };
    writeFileSync(join(slowDir, 'vocab.json'), JSON.stringify(json.model.vocab));
    writeFileSync(join(slowDir, 'merges.txt'), `#version: 0.2\n${json.model.merges.join('\n')}\n`);
    writeFileSync(join(slowDir, 'tokenizer_config.json'), readFileSync(join(modelDir, 'tokenizer_config.json')));
    const texts = ['a photo of a cat', 'this is a nice photo of a panda', 'Ångström 🐼'];
    const embed = async (tokenizerDir: string): Promise<Float32Array> => {
      const encoder = await createOnnxClipEncoder({
        visionModelPath: join(modelDir, 'onnx', 'vision_model.onnx'),
        textModelPath: join(modelDir, 'onnx', 'text_model.onnx'),
        tokenizerDir,
        providers: ['cpu'],
      });
      try {
        return await encoder.encodeTexts(texts);
      } finally {
        await encoder.release();
      }
    };
    expect(Array.from(await embed(slowDir))).toEqual(Array.from(await embed(modelDir)));
  });
});
