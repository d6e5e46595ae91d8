import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { downloadFromHub, validateModel } from '../../src/main/models';
import { writeTinyClip } from '../../src/main/onnx/factory';
import { tmpDir } from '../helpers/tmp';
import { startFakeHub, type FakeHub, type HubFile } from './fake-hub';

const REPO = 'synood/tiny-clip-variants';

function listFiles(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? listFiles(root, path.join(dir, d.name)) : [path.relative(root, path.join(dir, d.name)).split(path.sep).join('/')]));
}

const hubFiles = (src: string): HubFile[] => listFiles(src).sort().map((p) => ({ path: p, data: fs.readFileSync(path.join(src, p)), lfs: p.endsWith('.onnx') }));
const onnxIn = (dir: string) => listFiles(dir).filter((p) => p.endsWith('.onnx')).sort();

describe('downloadFromHub: transformers.js precision variants', () => {
  let t: ReturnType<typeof tmpDir>;
  let both: HubFile[];
  let q8Only: HubFile[];
  let hub: FakeHub | undefined;
  let n = 0;
  const dest = () => path.join(t.dir, `dest-${n++}`);

  beforeAll(() => {
    t = tmpDir();
    const src = path.join(t.dir, 'src');
    writeTinyClip(src, { quantized: true });
    both = hubFiles(src);
    q8Only = both.filter((f) => f.path !== 'onnx/text_model.onnx' && f.path !== 'onnx/vision_model.onnx');
  });
  afterAll(() => t.cleanup());
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  it('fetches full precision by default, and only the wanted precision when one is named', async () => {
    hub = await startFakeHub(REPO, 'main', both);
    const plain = dest();
    await downloadFromHub({ repo: REPO, dest: plain, role: 'clip', endpoint: hub.endpoint });
    expect(onnxIn(plain)).toEqual(['onnx/text_model.onnx', 'onnx/vision_model.onnx']);

    const q8 = dest();
    await downloadFromHub({ repo: REPO, dest: q8, role: 'clip', endpoint: hub.endpoint, dtype: 'q8' });
    expect(onnxIn(q8)).toEqual(['onnx/text_model_quantized.onnx', 'onnx/vision_model_quantized.onnx']);
    expect(validateModel('clip', q8).problems).toEqual([]);

    const mixed = dest();
    await downloadFromHub({ repo: REPO, dest: mixed, role: 'clip', endpoint: hub.endpoint, dtype: { text_model: 'q8' } });
    expect(onnxIn(mixed)).toEqual(['onnx/text_model_quantized.onnx', 'onnx/vision_model.onnx']);
    expect(validateModel('clip', mixed).problems).toEqual([]);
  });

  it('refuses a precision the repository does not list, naming the file and what it has, before any weights', async () => {
    hub = await startFakeHub(REPO, 'main', both);
    const target = dest();
    const attempt = downloadFromHub({ repo: REPO, dest: target, role: 'clip', endpoint: hub.endpoint, dtype: 'q4' });
    await expect(attempt).rejects.toThrow(
      `${REPO} has no q4 variant of onnx/text_model.onnx (onnx/text_model_q4.onnx is not listed); it has: fp32 (onnx/text_model.onnx), q8 (onnx/text_model_quantized.onnx)`,
    );
    expect(onnxIn(target)).toEqual([]);
  });

  it('takes the quantized towers of a repository that has no full-precision ones', async () => {
    hub = await startFakeHub(REPO, 'main', q8Only);
    const target = dest();
    await downloadFromHub({ repo: REPO, dest: target, role: 'clip', endpoint: hub.endpoint });
    expect(onnxIn(target)).toEqual(['onnx/text_model_quantized.onnx', 'onnx/vision_model_quantized.onnx']);
    expect(validateModel('clip', target).ok).toBe(true);
  });
});
