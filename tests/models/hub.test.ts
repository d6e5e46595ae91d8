import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  downloadFromHub,
  HubCancelledError,
  HubChecksumError,
  HubHttpError,
  HubInterruptedError,
  HubOfflineError,
  validateModel,
  type HubProgress,
} from '../../src/main/models';
import { buildTinyClip, writeTinyClip } from '../../src/main/onnx/factory';
import { tmpDir } from '../helpers/tmp';
import { closedPort, startFakeHub, type FakeHub, type HubFile } from './fake-hub';
import { writeWithExternalData } from './model-fixtures';

const REPO = 'synood/tiny-clip';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function listFiles(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? listFiles(root, path.join(dir, d.name)) : [path.relative(root, path.join(dir, d.name)).split(path.sep).join('/')]));
}

/** Resolves once the download reports `bytes` of `file` written to disk. */
function storedBytes(file: string, bytes: number): { promise: Promise<void>; onProgress: (p: HubProgress) => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, onProgress: (p) => p.file === file && p.fileBytes >= bytes && resolve() };
}

describe('downloadFromHub against a local hub', () => {
  let t: ReturnType<typeof tmpDir>;
  let files: HubFile[];
  let hub: FakeHub;
  let dest: string;
  let n = 0;
  const saved = { endpoint: process.env.HF_ENDPOINT, token: process.env.HF_TOKEN };
  const file = (p: string) => files.find((f) => f.path === p)!;
  const cdnRanges = (p: string) => hub.requests.filter((r) => r.server === 'cdn' && r.url === `/lfs/${sha256(file(p).data)}`).map((r) => r.range);

  beforeAll(() => {
    t = tmpDir();
    const src = path.join(t.dir, 'src');
    writeTinyClip(src);
    // The image tower keeps its weights in external data, as large exports do.
    writeWithExternalData(path.join(src, 'onnx/vision_model.onnx'), buildTinyClip().visionModel);
    // Other precisions in the same repository, which a CLIP download must not fetch.
    fs.writeFileSync(path.join(src, 'onnx/model_fp16.onnx'), Buffer.alloc(50_000, 7));
    fs.writeFileSync(path.join(src, 'README.md'), '# tiny clip\n');
    fs.writeFileSync(path.join(src, 'empty.txt'), '');
    files = listFiles(src)
      .sort()
      .map((p) => ({ path: p, data: fs.readFileSync(path.join(src, p)), lfs: /\.onnx(_data)?$/.test(p) }));
  });
  afterAll(() => t.cleanup());
  beforeEach(async () => {
    hub = await startFakeHub(REPO, 'main', files);
    dest = path.join(t.dir, `dest-${n++}`);
  });
  afterEach(async () => {
    await hub.close();
    process.env.HF_ENDPOINT = saved.endpoint;
    process.env.HF_TOKEN = saved.token;
    if (saved.endpoint === undefined) delete process.env.HF_ENDPOINT;
    if (saved.token === undefined) delete process.env.HF_TOKEN;
  });

  it('downloads what the role loads from HF_ENDPOINT with HF_TOKEN, verified, and the folder validates', async () => {
    process.env.HF_ENDPOINT = hub.endpoint;
    process.env.HF_TOKEN = 'hf_secret';
    hub.faults.token = 'hf_secret';
    const progress: HubProgress[] = [];
    const result = await downloadFromHub({ repo: REPO, dest, role: 'clip', onProgress: (p) => progress.push(p) });

    const expected = files.map((f) => f.path).filter((p) => p !== 'onnx/model_fp16.onnx');
    expect(listFiles(dest).sort()).toEqual(expected);
    for (const p of expected) expect(fs.readFileSync(path.join(dest, p)).equals(file(p).data)).toBe(true);
    expect(result.files.find((f) => f.path === 'onnx/vision_model.onnx_data')).toMatchObject({ verified: 'sha256', skipped: false });
    expect(result.files.find((f) => f.path === 'config.json')).toMatchObject({ verified: 'size' });
    expect(validateModel('clip', dest).problems).toEqual([]);

    const total = expected.reduce((a, p) => a + file(p).data.length, 0);
    expect(progress.at(-1)).toMatchObject({ bytes: total, total });
    // The token goes to the hub only, never to the CDN on another origin.
    expect(hub.requests.filter((r) => r.server === 'hub').every((r) => r.authorization === 'Bearer hf_secret')).toBe(true);
    expect(hub.requests.filter((r) => r.server === 'cdn').every((r) => r.authorization === undefined)).toBe(true);
    expect(hub.requests.some((r) => r.url.startsWith(`/api/models/${REPO}/revision/main`))).toBe(true);

    // A second run finds every file complete and transfers nothing.
    const before = hub.requests.length;
    const again = await downloadFromHub({ repo: REPO, dest, role: 'clip', endpoint: hub.endpoint, token: 'hf_secret' });
    expect(again.files.every((f) => f.skipped)).toBe(true);
    expect(hub.requests.slice(before).map((r) => r.url)).toEqual([`/api/models/${REPO}/revision/main?blobs=true`]);
  });

  it('resumes an interrupted transfer with a Range request and verifies the whole file', async () => {
    const stored = storedBytes('onnx/text_model.onnx', 30_000);
    hub.faults.cut.set('onnx/text_model.onnx', { bytes: 30_000, times: 1, closeAfter: stored.promise });
    const result = await downloadFromHub({ repo: REPO, dest, role: 'clip', endpoint: hub.endpoint, retryDelayMs: 0, onProgress: stored.onProgress });
    expect(cdnRanges('onnx/text_model.onnx')).toEqual([undefined, 'bytes=30000-']);
    expect(result.files.find((f) => f.path === 'onnx/text_model.onnx')).toMatchObject({ resumed: true, verified: 'sha256', sha256: sha256(file('onnx/text_model.onnx').data) });
    expect(fs.readFileSync(path.join(dest, 'onnx/text_model.onnx')).equals(file('onnx/text_model.onnx').data)).toBe(true);
    expect(fs.existsSync(path.join(dest, 'onnx/text_model.onnx.partial'))).toBe(false);
  });

  it('keeps the .partial when retries run out, and the next download resumes from it', async () => {
    const stored = storedBytes('onnx/text_model.onnx', 20_000);
    hub.faults.cut.set('onnx/text_model.onnx', { bytes: 20_000, times: 1, closeAfter: stored.promise });
    const first = downloadFromHub({ repo: REPO, dest, role: 'clip', endpoint: hub.endpoint, retries: 0, onProgress: stored.onProgress });
    await expect(first).rejects.toBeInstanceOf(HubInterruptedError);
    await expect(first).rejects.toThrow(/onnx\/text_model\.onnx: the transfer was interrupted/);
    expect(fs.statSync(path.join(dest, 'onnx/text_model.onnx.partial')).size).toBe(20_000);
    expect(fs.existsSync(path.join(dest, 'onnx/text_model.onnx'))).toBe(false);
    // The half-downloaded folder is refused with the file named.
    expect(validateModel('clip', dest).problems.map((p) => [p.code, p.file])).toContainEqual(['partial-download', 'onnx/text_model.onnx.partial']);

    await downloadFromHub({ repo: REPO, dest, role: 'clip', endpoint: hub.endpoint, retries: 0 });
    expect(cdnRanges('onnx/text_model.onnx')).toEqual([undefined, 'bytes=20000-']);
    expect(fs.readFileSync(path.join(dest, 'onnx/text_model.onnx')).equals(file('onnx/text_model.onnx').data)).toBe(true);
    expect(validateModel('clip', dest).problems).toEqual([]);
  });

  it('starts over when the server ignores the Range header', async () => {
    const stored = storedBytes('onnx/text_model.onnx', 20_000);
    hub.faults.cut.set('onnx/text_model.onnx', { bytes: 20_000, times: 1, closeAfter: stored.promise });
    hub.faults.ignoreRange = true;
    await downloadFromHub({ repo: REPO, dest, role: 'clip', endpoint: hub.endpoint, retryDelayMs: 0, onProgress: stored.onProgress });
    // Asked for the rest, got the whole file (200): the partial was rewritten from byte 0, not appended to.
    expect(cdnRanges('onnx/text_model.onnx')).toEqual([undefined, 'bytes=20000-']);
    expect(fs.readFileSync(path.join(dest, 'onnx/text_model.onnx')).equals(file('onnx/text_model.onnx').data)).toBe(true);
  });

  it('refuses a file whose sha256 does not match and does not move it into place', async () => {
    hub.faults.corrupt.add('onnx/vision_model.onnx_data');
    const attempt = downloadFromHub({ repo: REPO, dest, role: 'clip', endpoint: hub.endpoint });
    await expect(attempt).rejects.toBeInstanceOf(HubChecksumError);
    await expect(attempt).rejects.toThrow(`onnx/vision_model.onnx_data: downloaded sha256`);
    expect(fs.existsSync(path.join(dest, 'onnx/vision_model.onnx_data'))).toBe(false);
    expect(fs.existsSync(path.join(dest, 'onnx/vision_model.onnx_data.partial'))).toBe(false);
  });

  it('cancels mid-file through an AbortSignal, keeping the partial for a later resume', async () => {
    hub.faults.slow.add('onnx/text_model.onnx');
    const controller = new AbortController();
    const attempt = downloadFromHub({
      repo: REPO,
      dest,
      role: 'clip',
      endpoint: hub.endpoint,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.file === 'onnx/text_model.onnx' && p.fileBytes >= 8192) controller.abort();
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(HubCancelledError);
    const partial = fs.statSync(path.join(dest, 'onnx/text_model.onnx.partial')).size;
    expect(partial).toBeGreaterThanOrEqual(8192);
    expect(partial).toBeLessThan(file('onnx/text_model.onnx').data.length);
    expect(fs.existsSync(path.join(dest, 'onnx/text_model.onnx'))).toBe(false);

    hub.faults.slow.clear();
    await downloadFromHub({ repo: REPO, dest, role: 'clip', endpoint: hub.endpoint });
    expect(cdnRanges('onnx/text_model.onnx').at(-1)).toBe(`bytes=${partial}-`);
    expect(fs.readFileSync(path.join(dest, 'onnx/text_model.onnx')).equals(file('onnx/text_model.onnx').data)).toBe(true);
  });

  it('downloads an explicit file list, taking the checksum from x-linked-etag', async () => {
    const result = await downloadFromHub({ repo: REPO, dest, files: ['config.json', 'onnx/text_model.onnx'], endpoint: hub.endpoint });
    expect(result.files.map((f) => [f.path, f.verified])).toEqual([
      ['config.json', 'size'],
      ['onnx/text_model.onnx', 'sha256'],
    ]);
    expect(hub.requests.some((r) => r.url.startsWith('/api/'))).toBe(false);
  });

  it('offline, says which files to copy where', async () => {
    process.env.HF_ENDPOINT = `http://127.0.0.1:${await closedPort()}`;
    const attempt = downloadFromHub({ repo: REPO, dest, role: 'clip' });
    await expect(attempt).rejects.toBeInstanceOf(HubOfflineError);
    const err = (await attempt.catch((e: unknown) => e)) as HubOfflineError;
    expect(err.code).toBe('ECONNREFUSED');
    expect(err.files.map((f) => f.path)).toEqual(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json', 'onnx/text_model.onnx', 'onnx/vision_model.onnx']);
    expect(err.message).toContain(`Cannot reach the Hugging Face hub at ${process.env.HF_ENDPOINT} (ECONNREFUSED)`);
    expect(err.message).toMatch(new RegExp(`onnx/vision_model\\.onnx\\s+->\\s+${path.join(dest, 'onnx/vision_model.onnx').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    expect(err.message).toContain(`${process.env.HF_ENDPOINT}/${REPO}/resolve/main/onnx/vision_model.onnx`);
  });

  it('names HTTP errors: a gated repository without a token, and a missing repository', async () => {
    hub.faults.token = 'hf_secret';
    await expect(downloadFromHub({ repo: REPO, dest, endpoint: hub.endpoint, token: '' })).rejects.toThrow(/HTTP 401 .*HF_TOKEN/);
    hub.faults.token = undefined;
    const missing = downloadFromHub({ repo: 'synood/nothing', dest, endpoint: hub.endpoint });
    await expect(missing).rejects.toBeInstanceOf(HubHttpError);
    await expect(missing).rejects.toThrow(/HTTP 404/);
  });
});
