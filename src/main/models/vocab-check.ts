import type { LayoutContext, OnnxSignature, ValidationProblem } from './contract-types';
import { usesVocabMerges } from './tokenizer-rules';

/** The highest id a tokenizer folder can emit, and the file it was read from; null when it cannot be read (the file rules say why). */
export function tokenizerMaxId(ctx: LayoutContext, prefix: string): { file: string; maxId: number } | null {
  const ids: number[] = [];
  const collect = (v: unknown) => {
    if (typeof v === 'number' && Number.isInteger(v)) ids.push(v);
  };
  let file: string;
  if (usesVocabMerges(ctx, prefix)) {
    file = `${prefix}vocab.json`;
    const vocab = ctx.readJson(file);
    if (!vocab || typeof vocab !== 'object') return null;
    Object.values(vocab).forEach(collect);
    // Added tokens (tokenizer_config.json's added_tokens_decoder, keyed by id) are emitted too.
    const config = ctx.readJson(`${prefix}tokenizer_config.json`) as { added_tokens_decoder?: Record<string, unknown> } | undefined;
    Object.keys(config?.added_tokens_decoder ?? {}).forEach((k) => collect(Number(k)));
  } else {
    file = `${prefix}tokenizer.json`;
    const tok = ctx.readJson(file) as { model?: { vocab?: unknown }; added_tokens?: { id?: unknown }[] } | undefined;
    const vocab = tok?.model?.vocab;
    if (!vocab || typeof vocab !== 'object') return null;
    // BPE/WordPiece: token → id; Unigram: [token, score] pairs, the id being the position.
    if (Array.isArray(vocab)) collect(vocab.length - 1);
    else Object.values(vocab).forEach(collect);
    for (const t of tok?.added_tokens ?? []) collect(t.id);
  }
  return ids.length === 0 ? null : { file, maxId: Math.max(...ids) };
}

/**
 * Every id the tokenizer emits must index a row of the text encoder's token-embedding table, or the encoder
 * fails (or reads garbage) on the first prompt using it: a tokenizer from another model. Rows beyond the
 * vocabulary (padded tables) are harmless and accepted.
 */
export function vocabFitsEmbedding(ctx: LayoutContext, tokenizerPrefix: string, onnxFile: string, onnx: Record<string, OnnxSignature>): ValidationProblem[] {
  const table = onnx[onnxFile]?.tokenEmbedding;
  const tok = tokenizerMaxId(ctx, tokenizerPrefix);
  if (!table || !tok || tok.maxId < table.rows) return [];
  return [
    {
      code: 'mismatch',
      file: tok.file,
      subject: `tensor '${table.tensor}'`,
      expected: `ids below ${table.rows}`,
      found: `ids up to ${tok.maxId}`,
      message: `${tok.file}: the tokenizer has ${tok.maxId + 1} token ids, but ${onnxFile}'s embedding table '${table.tensor}' has ${table.rows} rows; the tokenizer and the text encoder come from different models`,
    },
  ];
}
