import { loadClipTokenizer } from './clip-tokenizer-files';

export interface TokenizedTexts {
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  batch: number;
  length: number;
}

export type TextTokenizer = (texts: string[]) => TokenizedTexts;

/**
 * A CLIP tokenizer read from a local folder, never from the hub: tokenizer.json + tokenizer_config.json, or
 * the slow/OpenAI layout vocab.json + merges.txt (clip-tokenizer-files.ts builds the same tokenizer from it).
 * Pads to the longest text of the call and truncates at the model's max length (77 for CLIP); CLIP's text
 * model is causal and pools at the EOS token, so padding does not change the embedding.
 */
export async function loadLocalTokenizer(folder: string): Promise<TextTokenizer> {
  const tokenizer = await loadClipTokenizer(folder);
  return (texts) => {
    const enc = tokenizer(texts, { padding: true, truncation: true, return_tensor: true }) as unknown as {
      input_ids: { data: BigInt64Array; dims: number[] };
      attention_mask: { data: BigInt64Array; dims: number[] };
    };
    const [batch, length] = enc.input_ids.dims as [number, number];
    return { inputIds: enc.input_ids.data, attentionMask: enc.attention_mask.data, batch, length };
  };
}
