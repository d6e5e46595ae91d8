import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  GraphBuilder,
  TensorDataType,
  decodeModel,
  loadModel,
  runModel,
  saveModel,
  tensorToArray,
} from '../../src/main/onnx';
import { onnxMessageType } from '../../src/main/onnx/proto';
import { resourcePath } from '../../src/main/onnx/resources';

function affineModel(): ReturnType<GraphBuilder['build']> {
  const b = new GraphBuilder({ opset: 17, name: 'affine' });
  const x = b.input('x', 'float32', ['N', 3]);
  const w = b.initializer('w', Float32Array.from([1, 2, 3, 4, 5, 6]), [3, 2]);
  const bias = b.initializer('bias', [0.5, -0.5], [2]);
  b.node('Add', [b.op('MatMul', [x, w]), bias], {}, { outputs: ['y'] });
  b.output('y', 'float32', ['N', 2]);
  return b.build();
}

describe('model I/O', () => {
  it('round-trips a built model through bytes and runs it in onnxruntime', async () => {
    const bytes = saveModel(affineModel());
    const back = loadModel(bytes);
    expect(back.irVersion).toBe(8);
    expect(back.opsetImport?.[0]?.version).toBe(17);
    expect(back.graph?.node?.map((n) => n.opType)).toEqual(['MatMul', 'Add']);
    expect(Array.from(tensorToArray(back.graph!.initializer![0]!) as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    const out = await runModel(saveModel(back), { x: new ort.Tensor('float32', Float32Array.from([1, 0, 1, 0, 1, 0]), [2, 3]) });
    // [1,0,1]·W = [1+5, 2+6] = [6, 8]; [0,1,0]·W = [3, 4]; plus bias.
    expect(Array.from(out.y!.data as Float32Array)).toEqual([6.5, 7.5, 3.5, 3.5]);
  });

  it('keeps int64 values beyond 2^53 exact (INT64_MAX as a Slice end) and small ones as numbers', async () => {
    const b = new GraphBuilder({ opset: 13 });
    const x = b.input('x', 'float32', [5]);
    const starts = b.constI64([1]);
    const ends = b.constI64([9223372036854775807n]);
    b.node('Slice', [x, starts, ends], {}, { outputs: ['y'] });
    b.output('y', 'float32');
    const model = b.build();
    const back = loadModel(saveModel(model));
    const endTensor = back.graph!.initializer!.find((t) => t.name === ends)!;
    expect(tensorToArray(endTensor)).toEqual(BigInt64Array.of(9223372036854775807n));
    expect(back.graph!.initializer![0]!.dims).toEqual([1]);
    expect(typeof back.graph!.initializer![0]!.dims![0]).toBe('number');
    const out = await runModel(saveModel(back), { x: new ort.Tensor('float32', Float32Array.from([0, 1, 2, 3, 4]), [5]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([1, 2, 3, 4]);
  });

  it('decodes int64 fields written by protobuf itself, including INT64 extremes in int64_data and attributes', () => {
    const tensorType = onnxMessageType('TensorProto');
    const modelType = onnxMessageType('ModelProto');
    const Long = protobuf.util.Long as unknown as { fromString(s: string): protobuf.Long };
    const message = modelType.create({
      irVersion: 8,
      graph: {
        node: [{ opType: 'Identity', attribute: [{ name: 'big', type: 2, i: Long.fromString('-9223372036854775808') }] }],
        initializer: [
          tensorType.create({ name: 't', dataType: TensorDataType.INT64, dims: [3], int64Data: [Long.fromString('9223372036854775807'), -5, 1234567890123] }),
        ],
      },
    });
    const model = decodeModel(modelType.encode(message).finish());
    const t = model.graph!.initializer![0]!;
    expect(t.int64Data).toEqual([9223372036854775807n, -5, 1234567890123]);
    expect(tensorToArray(t)).toEqual(BigInt64Array.of(9223372036854775807n, -5n, 1234567890123n));
    expect(model.graph!.node![0]!.attribute![0]!.i).toBe(-9223372036854775808n);
    expect(model.irVersion).toBe(8);
  });

  it('copies unaligned raw_data before viewing it as float32', () => {
    const values = Float32Array.from([1.5, -2.25, 3.125]);
    const b = new GraphBuilder();
    b.initializer('t', values, [3]);
    const bytes = saveModel(b.build());
    // Shift the whole file by one byte inside a larger buffer: raw_data can no longer be 4-byte aligned.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const model = loadModel(shifted.subarray(1));
    const t = model.graph!.initializer![0]!;
    const arr = tensorToArray(t) as Float32Array;
    expect(arr).toBeInstanceOf(Float32Array);
    expect(Array.from(arr)).toEqual([1.5, -2.25, 3.125]);
    expect(arr.length).toBe(3);
    // The decoded view really was unaligned in one of the two layouts, or the test proves nothing.
    const aligned = loadModel(bytes).graph!.initializer![0]!.rawData!.byteOffset % 4;
    expect(t.rawData!.byteOffset % 4 !== 0 || aligned !== 0).toBe(true);
  });

  it('loads external data (.onnx + .data) by path, and onnxruntime agrees on the same files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-ext-'));
    const model = affineModel();
    const weights = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const w = model.graph!.initializer!.find((t) => t.name === 'w')!;
    // 16 bytes of unrelated data first, so the offset matters.
    const blob = new Uint8Array(16 + weights.byteLength);
    blob.set(new Uint8Array(weights.buffer), 16);
    writeFileSync(join(dir, 'affine.data'), blob);
    delete w.rawData;
    w.dataLocation = 1;
    w.externalData = [
      { key: 'location', value: 'affine.data' },
      { key: 'offset', value: '16' },
      { key: 'length', value: String(weights.byteLength) },
    ];
    const path = join(dir, 'affine.onnx');
    writeFileSync(path, saveModel(model));

    const lazy = loadModel(path, { loadExternalData: false });
    const lazyW = lazy.graph!.initializer!.find((t) => t.name === 'w')!;
    expect(lazyW.dataLocation).toBe(1);
    expect(Array.from(tensorToArray(lazyW, dir) as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);

    const inlined = loadModel(path);
    const inW = inlined.graph!.initializer!.find((t) => t.name === 'w')!;
    expect(inW.dataLocation).toBeUndefined();
    expect(Array.from(tensorToArray(inW) as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);

    const x = new ort.Tensor('float32', Float32Array.from([1, 1, 1]), [1, 3]);
    const fromFile = await runModel(path, { x });
    const fromInlined = await runModel(saveModel(inlined), { x });
    expect(Array.from(fromFile.y!.data as Float32Array)).toEqual([9.5, 11.5]);
    expect(Array.from(fromInlined.y!.data as Float32Array)).toEqual([9.5, 11.5]);
    expect(readFileSync(path).includes(Buffer.from(weights.buffer))).toBe(false);
  });

  it('writes opset 18 models that onnxruntime accepts', async () => {
    const b = new GraphBuilder({ opset: 18 });
    const x = b.input('x', 'float32', [2, 4]);
    b.node('ReduceMean', [x, b.constI64([1])], { keepdims: 0 }, { outputs: ['m'] });
    b.output('m', 'float32', [2]);
    const out = await runModel(b.build(), { x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 0, 0, 0, 4]), [2, 4]) });
    expect(Array.from(out.m!.data as Float32Array)).toEqual([2.5, 1]);
  });

  it('finds resources/onnx/onnx.proto by walking up, or under SYNOOD_RESOURCES', () => {
    const found = resourcePath('onnx', 'onnx.proto');
    expect(readFileSync(found, 'utf8')).toContain('message ModelProto');
    const dir = mkdtempSync(join(tmpdir(), 'onnx-res-'));
    mkdirSync(join(dir, 'onnx'));
    copyFileSync(found, join(dir, 'onnx', 'onnx.proto'));
    const saved = process.env.SYNOOD_RESOURCES;
    process.env.SYNOOD_RESOURCES = dir;
    try {
      expect(resourcePath('onnx', 'onnx.proto')).toBe(join(dir, 'onnx', 'onnx.proto'));
    } finally {
      if (saved === undefined) delete process.env.SYNOOD_RESOURCES;
      else process.env.SYNOOD_RESOURCES = saved;
    }
  });
});
