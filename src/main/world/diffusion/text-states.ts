import { GraphBuilder, loadModel, tensorToArray, type ModelProto } from '../../onnx';
import { bpeToWorldIds, worldTokenizerFiles } from '../clip/bpe-bridge';
import { MAX_TOKENS, tokenize, VOCABULARY } from '../clip/tokenizer';
import { CLIP_WORD_DIM } from '../clip/towers';
import { WORLD_TEXT_LENGTH } from './architecture';

/** The tiny CLIP text tower's word embeddings [VOCABULARY.length, CLIP_WORD_DIM], read from its committed file. */
export function readWordEmbeddings(clipTextFile: string): Float32Array {
  const init = loadModel(clipTextFile).graph?.initializer?.find((t) => t.name === 'text.embedding.weight');
  if (!init) throw new Error(`${clipTextFile} has no text.embedding.weight`);
  const values = Float32Array.from(tensorToArray(init) as Float32Array);
  if (values.length !== VOCABULARY.length * CLIP_WORD_DIM) throw new Error(`${clipTextFile}: embedding has ${values.length} values, expected ${VOCABULARY.length}×${CLIP_WORD_DIM}`);
  return values;
}

/**
 * The SD text encoder of the world's folder: `input_ids` int32 [N,77] (the world BPE tokenizer's ids) →
 * `last_hidden_state` [N,77,64]: each token's frozen tiny-CLIP word embedding, gathered through the BPE → world-word
 * table, and 0 for tokens that are no world content word (specials, padding, function words, unknown bytes). There
 * is no position signal: the UNet's cross-attention sees a bag of words, which is all a world caption says; the empty
 * prompt gives all zeros, so the unconditional branch of CFG attends to nothing.
 */
export function buildWorldTextEncoder(embeddings: Float32Array): ModelProto {
  const vocab = (worldTokenizerFiles('!').files['tokenizer.json'] as { model: { vocab: Record<string, number> } }).model.vocab;
  const table = bpeToWorldIds(vocab);
  // Row 0 of the gathered table is the zero vector: world id 0 (<pad>, and every non-content token) embeds to 0.
  const rows = embeddings.slice();
  rows.fill(0, 0, CLIP_WORD_DIM);
  const b = new GraphBuilder({ opset: 17, name: 'world_sd_text_encoder' });
  b.input('input_ids', 'int32', ['batch', WORLD_TEXT_LENGTH]);
  const worldIds = b.op('Gather', [b.initializer('bpe_to_world', table, [table.length]), 'input_ids'], { axis: 0 });
  const emb = b.initializer('text.embedding.weight', rows, [VOCABULARY.length, CLIP_WORD_DIM]);
  b.node('Gather', [emb, worldIds], { axis: 0 }, { outputs: ['last_hidden_state'] });
  b.output('last_hidden_state', 'float32', ['batch', WORLD_TEXT_LENGTH, CLIP_WORD_DIM]);
  return b.build();
}

/**
 * What that text encoder gives for each caption, computed from the word-level tokenizer (the BPE bridge test shows
 * both keep the same content words in the same order): the words' embeddings from position 1 on (position 0 is the
 * BOS token), zeros elsewhere. Returns a filler that writes caption `i`'s [77, 64] states at `offset`.
 */
export function captionStates(embeddings: Float32Array, captions: readonly string[]): (i: number, out: Float32Array, offset: number) => void {
  const tokens = tokenize(captions);
  return (i, out, offset) => {
    out.fill(0, offset, offset + WORLD_TEXT_LENGTH * CLIP_WORD_DIM);
    for (let j = 0; j < MAX_TOKENS; j++) {
      const id = Number(tokens.ids[i * MAX_TOKENS + j]!);
      if (id < 2) continue;
      out.set(embeddings.subarray(id * CLIP_WORD_DIM, (id + 1) * CLIP_WORD_DIM), offset + (1 + j) * CLIP_WORD_DIM);
    }
  };
}
