import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJsonFiles } from '../../src/main/onnx/factory/files';
import { loadLocalTokenizer } from '../../src/main/pipeline/features/tokenize';
import { bpeToWorldIds, worldTokenizerFiles } from '../../src/main/world/clip/bpe-bridge';
import { tokenize, VOCABULARY } from '../../src/main/world/clip/tokenizer';

describe('BPE ↔ world-word bridge', () => {
  it('the pipeline tokenizer spells every world word as one token that maps back to the tower id the word-level tokenizer gives', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpe-bridge-'));
    const tok = worldTokenizerFiles();
    writeJsonFiles(dir, tok.files);
    const encode = await loadLocalTokenizer(dir);
    const vocab = (tok.files['tokenizer.json'] as { model: { vocab: Record<string, number> } }).model.vocab;
    const table = bpeToWorldIds(vocab);
    const words = VOCABULARY.slice(2);
    const enc = encode(words);
    for (let r = 0; r < words.length; r++) {
      const row = Array.from(enc.inputIds.slice(r * enc.length, (r + 1) * enc.length), Number);
      const content = row.filter((id, j) => enc.attentionMask[r * enc.length + j] === 1n && table[id] !== 0);
      expect(content.map((id) => table[id])).toEqual([Number(tokenize([words[r]!]).ids[0])]);
    }
    // A caption keeps its content words, in order, and drops the function words the tower drops.
    const caption = 'A photo of a red plain circle on a road with a tree and a lamp';
    const row = Array.from(encode([caption]).inputIds, Number).map((id) => table[id]).filter((id) => id !== 0);
    const world = Array.from(tokenize([caption]).ids, Number).filter((id) => id !== 0);
    expect(row).toEqual(world);
  });
});
