/**
 * Weights (ONNX graphs, their external data, and other frameworks' checkpoints), as opposed to the small
 * configuration and tokenizer files a model folder also holds. A role loads only some of a repository's
 * weights (one precision of one export), so those are chosen by name and the rest are left alone.
 */
const WEIGHT_FILE = /\.(onnx|onnx_data(_\d+)?|onnx\.data|data|pb|bin|safetensors|pt|pth|ckpt|h5|msgpack|gguf|tflite|mlmodel)$/i;

export function isWeightFile(path: string): boolean {
  return WEIGHT_FILE.test(path);
}
