import path from 'node:path';
import { GraphBuilder, loadModel, tensorToArray, type ModelProto } from '../../onnx';
import { writeFolderFile, writeJsonFiles } from '../../onnx/factory/files';
import { clipPreprocessorConfig } from '../../onnx/factory/clip';
import { WORLD_CLASSIFIER_MEAN, WORLD_CLASSIFIER_STD } from '../classifier/architecture';
import { WORLD_IMAGE_SIZE } from '../scene';
import { BRIDGE_FUNCTION_WORDS, bpeToWorldIds, worldTokenizerFiles } from './bpe-bridge';
import { MAX_TOKENS, VOCABULARY } from './tokenizer';
import { CLIP_EMBED_DIM, CLIP_LOGIT_SCALE, CLIP_WORD_DIM, TEXT_PARAMS } from './towers';

/**
 * The world's trained tiny CLIP written as a pipeline CLIP folder (docs/REAL-LAYOUTS.md "CLIP", split towers), so
 * the describe, mine and evaluate jobs load it like any transformers.js/Optimum export. Nothing is committed twice:
 * the folder is generated from resources/world/clip-*.onnx when a project needs it.
 *
 *  - onnx/vision_model.onnx: the image tower with its I/O renamed (`pixel_values` → `image_embeds`); the weights are
 *    the committed ones, unchanged. preprocessor_config.json says 64 px and ImageNet's mean/std, the normalisation the
 *    tower was trained with (the pipeline's encoders read image_mean/image_std from it).
 *  - onnx/text_model.onnx: `input_ids` [N,L] int64 (the BPE ids of worldTokenizerFiles()) + `attention_mask` →
 *    `text_embeds`. A [V,1] table maps each BPE id to the tower's word id, so the bag-of-words tower reads the same
 *    words the word-level tokenizer gives it: world words → their id; specials, padding, punctuation, digits and the
 *    function words → dropped; the last piece of any other letter word → `<unk>` (one per unknown word, as the
 *    word-level tokenizer counts them); at most MAX_TOKENS content words; no content word at all → `<unk>` alone.
 */

/** The tower files under resources/world (train-world.ts writes them). */
export interface WorldClipFiles {
  imageModel: string;
  textModel: string;
}

export function committedWorldClipFiles(resourcesDir: string): WorldClipFiles {
  return { imageModel: path.join(resourcesDir, 'clip-image.onnx'), textModel: path.join(resourcesDir, 'clip-text.onnx') };
}

const UNK_ID = 1;

/**
 * Per BPE id, three columns: [tower id when the token is a whole word, 1 when it ends a word (`</w>` or a special),
 * 1 when it ends a letter word]. A whole world word → its id; a whole function word → 0; any other whole letter word
 * → `<unk>`; the last piece of a word split into several pieces → `<unk>` (even when that piece spells a world or
 * function word: "zebra" may end in "a</w>"); punctuation, digits, specials and inner pieces → 0.
 */
export function bpeLookupTable(vocab: Readonly<Record<string, number>>): BigInt64Array {
  const content = bpeToWorldIds(vocab);
  const functionWords = new Set<string>(BRIDGE_FUNCTION_WORDS.map((w) => `${w}</w>`));
  const table = new BigInt64Array(content.length * 3);
  for (const [token, id] of Object.entries(vocab)) {
    // The tokenizer's pre-split makes a letter run its own word, so a piece ending in `<letter></w>` ends one.
    const letterFinal = /[a-z]<\/w>$/.test(token);
    const final = token.endsWith('</w>') || /^<\|.*\|>$/.test(token);
    const whole = content[id]! !== 0 ? content[id]! : letterFinal && !functionWords.has(token) ? UNK_ID : 0;
    table.set([BigInt(whole), final ? 1n : 0n, letterFinal ? 1n : 0n], id * 3);
  }
  return table;
}

function initializerValues(model: ModelProto, name: string): Float32Array {
  const t = model.graph?.initializer?.find((i) => i.name === name);
  if (!t) throw new Error(`world CLIP text tower: no initializer '${name}'`);
  return Float32Array.from(tensorToArray(t) as Float32Array);
}

/** The text tower behind the BPE bridge; `towerModel` is clip-text.onnx (its weights are copied, not retrained). */
export function buildPipelineTextModel(towerModel: ModelProto, vocab: Readonly<Record<string, number>>): ModelProto {
  const table = bpeLookupTable(vocab);
  const b = new GraphBuilder({ opset: 17, name: 'world_clip_text_pipeline' });
  b.input('input_ids', 'int64', ['batch', 'sequence']);
  b.input('attention_mask', 'int64', ['batch', 'sequence']);
  // Named like a token-embedding table (and 2-D) so validateModel checks that the tokenizer's ids fit it.
  const lookup = b.initializer('bpe_to_world.token_embedding.weight', table, [table.length / 3, 3], 'int64');
  const [embedding, projW, projB] = TEXT_PARAMS.map((p) => b.initializer(p.name, initializerValues(towerModel, p.name), p.dims)) as [string, string, string];
  const looked = b.op('Gather', [lookup, 'input_ids'], { axis: 0 }); // [N, L, 3]
  const column = (c: number) => b.op('Slice', [looked, b.constI64([c]), b.constI64([c + 1]), b.constI64([2])]); // [N, L, 1]
  const [whole, final, letterFinal] = [column(0), column(1), column(2)];
  // A token starts a word when the token before it ended one (the first token is BOS, which does).
  const first = b.op('Slice', [final, b.constI64([0]), b.constI64([1]), b.constI64([1])]);
  const one = b.op('Add', [b.op('Mul', [first, b.constI64([0], [])]), b.constI64([1], [])]); // [N, 1, 1] of 1
  const before = b.op('Slice', [final, b.constI64([0]), b.constI64([-1]), b.constI64([1])]);
  const starts = b.op('Concat', [one, before], { axis: 1 });
  const isWhole = b.op('Mul', [starts, final]);
  const notWhole = b.op('Sub', [b.constI64([1], []), isWhole]);
  const world = b.op('Add', [b.op('Mul', [isWhole, whole]), b.op('Mul', [notWhole, letterFinal])]); // [N, L, 1] tower ids
  const attended = b.op('Unsqueeze', ['attention_mask', b.constI64([2])]); // [N, L, 1]
  const content = b.op('Mul', [b.op('Cast', [b.op('Greater', [world, b.constI64([0], [])])], { to: 7 }), attended]);
  // The word-level tokenizer keeps the first MAX_TOKENS words.
  const rank = b.op('CumSum', [content, b.constI64([1], [])]);
  const kept = b.op('Mul', [content, b.op('Cast', [b.op('LessOrEqual', [rank, b.constI64([MAX_TOKENS], [])])], { to: 7 })]);
  const mask = b.op('Cast', [kept], { to: 1 }); // [N, L, 1] float
  const ids = b.op('Squeeze', [world, b.constI64([2])]); // [N, L]
  const words = b.op('Gather', [embedding, ids], { axis: 0 }); // [N, L, D]
  const summed = b.op('ReduceSum', [b.op('Mul', [words, mask]), b.constI64([1])], { keepdims: 0 }); // [N, D]
  const count = b.op('ReduceSum', [mask, b.constI64([1])], { keepdims: 0 }); // [N, 1]
  // A text without content words is `<unk>` alone, as tokenize() makes it.
  const empty = b.op('Cast', [b.op('Equal', [count, b.constF32([0], [])])], { to: 1 });
  const unkRow = b.op('Gather', [embedding, b.constI64([UNK_ID])], { axis: 0 }); // [1, D]
  const mean = b.op('Div', [b.op('Add', [summed, b.op('Mul', [empty, unkRow])]), b.op('Add', [count, empty])]);
  b.node('Add', [b.op('MatMul', [mean, projW]), projB], {}, { outputs: ['text_embeds'] });
  b.output('text_embeds', 'float32', ['batch', CLIP_EMBED_DIM]);
  return b.build();
}

/** Renames a graph input or output and every node reference to it (the tower graphs have no subgraphs). */
function renameValue(model: ModelProto, from: string, to: string): void {
  const g = model.graph!;
  for (const v of [...(g.input ?? []), ...(g.output ?? [])]) if (v.name === from) v.name = to;
  for (const n of g.node ?? []) {
    n.input = (n.input ?? []).map((x) => (x === from ? to : x));
    n.output = (n.output ?? []).map((x) => (x === from ? to : x));
  }
}

/** The image tower with Optimum's tensor names: `pixel_values` [N,3,64,64] (ImageNet-normalised) → `image_embeds`. */
export function buildPipelineVisionModel(towerModel: ModelProto): ModelProto {
  renameValue(towerModel, 'input', 'pixel_values');
  renameValue(towerModel, 'logits', 'image_embeds');
  return towerModel;
}

/** config.json, tokenizer files and preprocessor_config.json of the folder. */
export function pipelineFolderJson(): { jsonFiles: Record<string, unknown>; vocab: Record<string, number> } {
  const tok = worldTokenizerFiles();
  const vocab = (tok.files['tokenizer.json'] as { model: { vocab: Record<string, number> } }).model.vocab;
  const common = { hidden_size: CLIP_WORD_DIM, projection_dim: CLIP_EMBED_DIM };
  const config = {
    _name_or_path: 'synood/world-tiny-clip',
    architectures: ['CLIPModel'],
    model_type: 'clip',
    projection_dim: CLIP_EMBED_DIM,
    // ln(10): the fixed logit scale the towers were trained with.
    logit_scale_init_value: Math.log(CLIP_LOGIT_SCALE),
    synood_world: { text_tower: 'bag-of-words over world words (BPE ids gathered to tower ids)', vocabulary_words: VOCABULARY.length, max_words: MAX_TOKENS },
    text_config: { model_type: 'clip_text_model', vocab_size: tok.vocabSize, max_position_embeddings: 77, bos_token_id: tok.bosId, eos_token_id: tok.eosId, pad_token_id: tok.padId, ...common },
    vision_config: { model_type: 'clip_vision_model', image_size: WORLD_IMAGE_SIZE, num_channels: 3, ...common },
  };
  const preprocessor = clipPreprocessorConfig(WORLD_IMAGE_SIZE, WORLD_CLASSIFIER_MEAN, WORLD_CLASSIFIER_STD);
  return { jsonFiles: { 'config.json': config, 'preprocessor_config.json': preprocessor, ...tok.files }, vocab };
}

/**
 * Writes the world's tiny CLIP to `dir` as a pipeline CLIP folder (config.json, tokenizer.json, tokenizer_config.json,
 * special_tokens_map.json, preprocessor_config.json, onnx/text_model.onnx, onnx/vision_model.onnx).
 */
export function writeWorldClipFolder(dir: string, towers: WorldClipFiles): void {
  const { jsonFiles, vocab } = pipelineFolderJson();
  writeJsonFiles(dir, jsonFiles);
  writeFolderFile(dir, 'onnx/text_model.onnx', buildPipelineTextModel(loadModel(towers.textModel), vocab), 'onnx');
  writeFolderFile(dir, 'onnx/vision_model.onnx', buildPipelineVisionModel(loadModel(towers.imageModel)), 'onnx');
}
