import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getModel,
  findModelByHash,
  importModel,
  insertModel,
  listModels,
  ModelValidationError,
  type ImportProgress,
  type ModelSignature,
} from '../../src/main/models';
import { writeTinyClassifier, writeTinyClip } from '../../src/main/onnx/factory';
import { openDb } from '../../src/main/store/db';
import { tmpDir } from '../helpers/tmp';

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('importModel', () => {
  let t: ReturnType<typeof tmpDir>;
  let clip: string;

  beforeAll(() => {
    t = tmpDir();
    clip = path.join(t.dir, 'clip');
    writeTinyClip(clip);
    // A repository may carry files the role never loads (here a precision transformers.js has no dtype for).
    fs.writeFileSync(path.join(clip, 'onnx/vision_model_bf16.onnx'), Buffer.alloc(1000));
    fs.writeFileSync(path.join(clip, 'README.md'), '# tiny clip\n');
  });
  afterAll(() => t.cleanup());

  it('records every file the role uses plus the folder’s small files, with SHA-256 of each and a manifest hash', async () => {
    const progress: ImportProgress[] = [];
    const { record, files } = await importModel({ role: 'clip', source: clip, onProgress: (p) => progress.push(p) });
    const expectedFiles = ['README.md', 'config.json', 'onnx/text_model.onnx', 'onnx/vision_model.onnx', 'preprocessor_config.json', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json'];
    expect(files.map((f) => f.path)).toEqual(expectedFiles);
    for (const f of files) {
      expect(f.sha256).toBe(sha256(path.join(clip, f.path)));
      expect(f.bytes).toBe(fs.statSync(path.join(clip, f.path)).size);
    }
    // sha256sum's manifest format, sorted by path, hashed once more.
    const manifest = expectedFiles.map((p) => `${sha256(path.join(clip, p))}  ${p}\n`).join('');
    expect(record.sha256).toBe(createHash('sha256').update(manifest).digest('hex'));
    expect(record).toMatchObject({ role: 'clip', path: clip, provider: null });

    const signature = JSON.parse(record.signature_json) as ModelSignature;
    expect(signature.layout).toBe('clip-split');
    expect(signature.onnx['onnx/text_model.onnx']!.outputs.map((o) => o.name)).toEqual(['text_embeds', 'last_hidden_state']);
    expect(JSON.parse(record.validation_json)).toEqual({ ok: true, layout: 'clip-split', summary: 'valid clip model (clip-split, 2 ONNX files)', problems: [] });

    const total = files.reduce((a, f) => a + f.bytes, 0);
    expect(progress.every((p) => p.phase === 'hash' && p.bytesTotal === total)).toBe(true);
    expect(progress.at(-1)!.bytesDone).toBe(total);
    expect(progress.every((p, i) => i === 0 || p.bytesDone >= progress[i - 1]!.bytesDone)).toBe(true);
  });

  it('copies into the project when asked, and the copy hashes the same', async () => {
    const dest = path.join(t.dir, 'project/models/clip-copy');
    const inPlace = await importModel({ role: 'clip', source: clip });
    const copied = await importModel({ role: 'clip', source: clip, copyTo: dest, provider: 'cpu' });
    expect(copied.record.path).toBe(dest);
    expect(copied.record.sha256).toBe(inPlace.record.sha256);
    expect(copied.record.provider).toBe('cpu');
    expect(fs.existsSync(path.join(dest, 'onnx/vision_model_bf16.onnx'))).toBe(false);
    expect(sha256(path.join(dest, 'onnx/text_model.onnx'))).toBe(sha256(path.join(clip, 'onnx/text_model.onnx')));
    await expect(importModel({ role: 'clip', source: clip, copyTo: dest })).rejects.toThrow(/already exists/);
  });

  it('imports a classifier given as one file', async () => {
    const file = writeTinyClassifier(path.join(t.dir, 'resnet.onnx'));
    const { record } = await importModel({ role: 'classifier', source: file });
    expect(record.path).toBe(file);
    const signature = JSON.parse(record.signature_json) as ModelSignature;
    expect(signature.entry).toBe('resnet.onnx');
    expect(signature.files).toEqual([{ path: 'resnet.onnx', bytes: fs.statSync(file).size, sha256: sha256(file) }]);
    expect(signature.io['resnet.onnx']).toEqual({ input: 'input', output: 'logits' });
  });

  it('refuses an invalid model before copying anything', async () => {
    const dest = path.join(t.dir, 'project/models/not-a-clip');
    const attempt = importModel({ role: 'inpainting', source: clip, copyTo: dest });
    await expect(attempt).rejects.toBeInstanceOf(ModelValidationError);
    expect(fs.existsSync(dest)).toBe(false);
    expect(fs.readdirSync(path.dirname(dest)).filter((n) => n.startsWith('not-a-clip'))).toEqual([]);
  });

  it('stores records in the models table and reads them back', async () => {
    const db = openDb(path.join(t.dir, 'synood.db'));
    try {
      const { record } = await importModel({ role: 'clip', source: clip });
      const classifier = await importModel({ role: 'classifier', source: writeTinyClassifier(path.join(t.dir, 'c2.onnx')) });
      const a = insertModel(db, record, 1000);
      const b = insertModel(db, classifier.record, 2000);
      expect(getModel(db, a.id)).toMatchObject({ role: 'clip', path: clip, sha256: record.sha256, createdAt: 1000, provider: null });
      expect(getModel(db, a.id)!.signature.layout).toBe('clip-split');
      expect(getModel(db, a.id)!.validation).toMatchObject({ ok: true, layout: 'clip-split', problems: [] });
      expect(listModels(db).map((m) => m.id)).toEqual([b.id, a.id]);
      expect(listModels(db, 'classifier').map((m) => m.id)).toEqual([b.id]);
      expect(findModelByHash(db, 'clip', record.sha256)?.id).toBe(a.id);
      expect(findModelByHash(db, 'classifier', record.sha256)).toBeUndefined();
      expect(getModel(db, 9999)).toBeUndefined();
    } finally {
      db.close();
    }
  });
});
