import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOnnxSignature } from '../../src/main/models';
import { writeTinyClassifier, writeTinyClip, writeTinySdInpaint } from '../../src/main/onnx/factory';
import { writeTinyVlm } from '../../src/main/pipeline/describe/tiny-vlm';
import { tmpDir } from '../helpers/tmp';
import { ioModel, writeModel, writeWithExternalData } from './model-fixtures';

describe('readOnnxSignature', () => {
  let t: ReturnType<typeof tmpDir>;
  const files: string[] = [];

  beforeAll(() => {
    t = tmpDir();
    writeTinyClip(path.join(t.dir, 'clip'), { attentionMask: true });
    writeTinySdInpaint(path.join(t.dir, 'sd'));
    writeTinyVlm(path.join(t.dir, 'vlm'));
    files.push(
      'clip/onnx/text_model.onnx',
      'clip/onnx/vision_model.onnx',
      'sd/text_encoder/model.onnx',
      'sd/unet/model.onnx',
      'sd/vae_encoder/model.onnx',
      'sd/vae_decoder/model.onnx',
      'vlm/onnx/vision_encoder.onnx',
      'vlm/onnx/embed_tokens.onnx',
      'vlm/onnx/decoder_model_merged.onnx',
    );
    writeTinyClassifier(path.join(t.dir, 'classifier.onnx'), { inputName: 'pixel_values', batch: 4 });
    files.push('classifier.onnx');
  });
  afterAll(() => t.cleanup());

  // onnxruntime's own reading of each model is the independent reference for names, types and shapes.
  it('declares the same inputs and outputs as an onnxruntime session of the same file', async () => {
    for (const rel of files) {
      const file = path.join(t.dir, rel);
      const sig = readOnnxSignature(file);
      const session = await ort.InferenceSession.create(file);
      const asOrt = (m: readonly ort.InferenceSession.ValueMetadata[]) => m.map((v) => ({ name: v.name, dtype: v.isTensor ? v.type : '?', shape: v.isTensor ? v.shape : null }));
      expect(sig.inputs, rel).toEqual(asOrt(session.inputMetadata));
      expect(sig.outputs, rel).toEqual(asOrt(session.outputMetadata));
      expect(sig.externalData).toEqual([]);
      await session.release();
    }
  });

  it('reads the opset and IR version the file was saved with', () => {
    const sig = readOnnxSignature(path.join(t.dir, 'classifier.onnx'));
    expect(sig.opset).toBe(17);
    expect(sig.irVersion).toBe(8);
  });

  it('lists external data references with offsets and lengths, and onnxruntime loads the same file', async () => {
    const file = path.join(t.dir, 'ext/model.onnx');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const model = ioModel([['x', 'float32', ['n', 3]]], [['a', 'float32', [2, 3]], ['b', 'float32', [5]]]);
    writeWithExternalData(file, model);
    const sig = readOnnxSignature(file);
    expect(sig.externalData).toEqual([
      { tensor: 'a_value', location: 'model.onnx_data', offset: 0, length: 24 },
      { tensor: 'b_value', location: 'model.onnx_data', offset: 24, length: 20 },
    ]);
    const session = await ort.InferenceSession.create(file);
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(3), [1, 3]) });
    expect(Array.from(out.b!.data as Float32Array)).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    await session.release();
  });

  it('does not count initializers that are also listed as graph inputs (pre-IR-4 exports) as inputs', () => {
    const model = ioModel([['x', 'float32', [1]]], [['y', 'float32', [1]]]);
    model.graph!.input!.push({ name: 'y_value', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } } });
    const file = writeModel(path.join(t.dir, 'ir3.onnx'), { ...model, irVersion: 3 });
    expect(readOnnxSignature(file).inputs.map((i) => i.name)).toEqual(['x']);
  });
});
