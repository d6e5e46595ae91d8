import fs from 'node:fs';
import path from 'node:path';
import { GraphBuilder, saveModel, type ModelProto } from '../../src/main/onnx';

type TensorSpec = [name: string, type: 'float32' | 'int64' | 'int32', shape: (number | string)[]];

/**
 * A valid ONNX model that declares exactly these inputs and outputs: each output is a constant of its
 * declared shape (symbolic axes as 1), so onnxruntime opens it and the tests can compare signatures.
 */
export function ioModel(inputs: TensorSpec[], outputs: TensorSpec[]): ModelProto {
  const b = new GraphBuilder({ name: 'io_model' });
  for (const [name, type, shape] of inputs) b.input(name, type, shape);
  for (const [name, type, shape] of outputs) {
    const dims = shape.map((d) => (typeof d === 'number' ? d : 1));
    const n = dims.reduce((a, d) => a * d, 1);
    const data = type === 'float32' ? new Float32Array(n).fill(0.5) : type === 'int64' ? new BigInt64Array(n) : new Int32Array(n);
    b.node('Identity', [b.initializer(`${name}_value`, data, dims, type)], {}, { outputs: [name] });
    b.output(name, type, shape);
  }
  return b.build();
}

export function writeModel(file: string, model: ModelProto): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, saveModel(model));
  return file;
}

/** Moves every initializer's bytes (those of at least sizeThreshold bytes) into one external file next to the model, the way large exports store weights. */
export function writeWithExternalData(file: string, model: ModelProto, dataName = `${path.basename(file)}_data`, sizeThreshold = 0): { dataBytes: number } {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of model.graph!.initializer ?? []) {
    const bytes = t.rawData!;
    // onnx.save_model(save_as_external_data=True) keeps tensors under size_threshold (1024 bytes) inline.
    if (bytes.length < sizeThreshold) continue;
    t.dataLocation = 1;
    t.externalData = [
      { key: 'location', value: dataName },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(bytes.length) },
    ];
    delete t.rawData;
    chunks.push(bytes);
    offset += bytes.length;
  }
  writeModel(file, model);
  fs.writeFileSync(path.join(path.dirname(file), dataName), Buffer.concat(chunks));
  return { dataBytes: offset };
}

export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
}
