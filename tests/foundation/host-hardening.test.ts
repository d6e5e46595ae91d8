import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../src/main/root';
import { startBrowserHost, type BrowserHost } from '../../src/main/host/server';
import { tmpDir, waitFor } from '../helpers/tmp';

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** Raw HTTP to the real server on 127.0.0.1: the test controls headers and how the body is sent. */
function request(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string | number>; body?: string | Buffer; chunks?: Buffer[]; agent?: http.Agent },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, agent: opts.agent, headers: { host: `127.0.0.1:${port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error(`no answer to ${opts.method ?? 'GET'} ${opts.path} within 20 s`)));
    if (opts.chunks) {
      // Written with back-pressure, as a real client streams a large upload.
      const queue = [...opts.chunks];
      const next = () => {
        while (queue.length) if (!req.write(queue.shift()!)) return void req.once('drain', next);
        req.end();
      };
      next();
      return;
    }
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const openFds = () => fs.readdirSync('/proc/self/fd').length;
/** This process's descriptors open on `file` (the server runs in the test process). */
const fdsOn = (file: string) =>
  fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false; // closed while listing
    }
  }).length;

describe('browser-mode host under hostile or unlucky requests', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let host: BrowserHost;
  let projectDir: string;
  const api = (route: string, body: string | Buffer, headers: Record<string, string | number> = {}) =>
    request(host.port, { method: 'POST', path: `/api/call/${route}`, headers: { 'x-synood-token': host.token, 'content-type': 'application/json', ...headers }, body });
  const alive = async () => {
    const r = await api('app.info', '{}');
    expect(r.status).toBe(200);
  };

  beforeAll(async () => {
    t = tmpDir();
    const rendererDir = path.join(t.dir, 'renderer');
    fs.mkdirSync(rendererDir);
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>SynOOD Studio</title>');
    // Large enough that the server is still sending when the client walks away (sparse: costs no disk).
    fs.writeFileSync(path.join(rendererDir, 'big.bin'), '');
    fs.truncateSync(path.join(rendererDir, 'big.bin'), 256 * 1024 * 1024);
    studio = new Studio({ transport: 'browser', homeDir: path.join(t.dir, 'home') });
    host = await startBrowserHost(studio, { rendererDir });
    projectDir = path.join(t.dir, 'proj');
    expect((await api('project.create', JSON.stringify({ dir: projectDir, name: 'p' }))).status).toBe(200);
    fs.mkdirSync(path.join(projectDir, 'thumbs'), { recursive: true });
    fs.writeFileSync(path.join(projectDir, 'thumbs', 'small.jpg'), 'jpegbytes');
    fs.writeFileSync(path.join(projectDir, 'thumbs', 'big.bin'), '');
    fs.truncateSync(path.join(projectDir, 'thumbs', 'big.bin'), 256 * 1024 * 1024);
  });
  afterAll(async () => {
    await host?.close();
    await studio?.close();
    t.cleanup();
  });

  it('releases the file descriptor as soon as a client aborts a download', async () => {
    const cases = [
      ['/big.bin', fs.realpathSync(path.join(t.dir, 'renderer', 'big.bin'))],
      [`/files/thumbs/big.bin?token=${host.token}`, fs.realpathSync(path.join(projectDir, 'thumbs', 'big.bin'))],
    ] as const;
    for (const [p, file] of cases) {
      const baseline = openFds();
      await new Promise<void>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: host.port, path: p, headers: { host: `127.0.0.1:${host.port}` } }, (res) => {
          expect(res.statusCode, p).toBe(200);
          res.once('data', () => {
            expect(fdsOn(file), 'the server has the file open mid-download').toBe(1);
            req.destroy();
            resolve();
          });
        });
        req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
      });
      // The client's socket and the server's socket and file must all be gone: back to where we started.
      await waitFor(() => fdsOn(file) === 0 && openFds() <= baseline, 3000).catch(() => {
        throw new Error(`${p}: ${fdsOn(file)} descriptor(s) still open on the file, ${openFds() - baseline} more than before, after the client aborted`);
      });
    }
    await alive();
  });

  it('answers 404 for a project file that does not exist', async () => {
    const r = await request(host.port, { path: `/files/thumbs/not-there.jpg?token=${host.token}` });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body).error.code).toBe('not_found');
    await alive();
  });

  it('answers 503 to the one request that meets EMFILE, and keeps serving', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const path1 = `/files/thumbs/small.jpg?token=${host.token}`;
      // Open the connection first: once the process is out of descriptors, nobody can open a new one.
      expect((await request(host.port, { path: path1, agent })).status).toBe(200);
      // Another descriptor closing in the background (earlier tests' sockets) can free a slot just as the server
      // opens the file; then it simply succeeds. Try until the server has met EMFILE, which must never cost more
      // than that one request.
      const seen: number[] = [];
      let reply: Reply | undefined;
      for (let attempt = 0; attempt < 5 && reply?.status !== 503; attempt++) {
        await new Promise((r) => setTimeout(r, 100));
        const held: number[] = [];
        try {
          try {
            for (;;) held.push(fs.openSync('/dev/null', 'r'));
          } catch (e) {
            expect((e as NodeJS.ErrnoException).code).toBe('EMFILE');
          }
          reply = await request(host.port, { path: path1, agent });
        } finally {
          for (const fd of held) fs.closeSync(fd);
        }
        seen.push(reply.status);
      }
      expect(seen.every((s) => s === 200 || s === 503), `statuses seen: ${seen.join(', ')}`).toBe(true);
      expect(reply!.status).toBe(503);
      expect(reply!.headers['retry-after']).toBe('1');
      expect(JSON.parse(reply!.body).error.message).toContain('EMFILE');
      const again = await request(host.port, { path: path1, agent });
      expect(again.status).toBe(200);
      expect(again.body).toBe('jpegbytes');
    } finally {
      agent.destroy();
    }
    await alive();
  });

  it('answers 413 to a body over the limit, streamed or declared, without leaving the client hanging', async () => {
    const mib = Buffer.alloc(1024 * 1024, 0x20);
    const seventeen = Array.from({ length: 17 }, () => mib);
    // Streamed (chunked): the server notices while reading.
    const chunked = await request(host.port, { method: 'POST', path: '/api/call/app.info', headers: { 'x-synood-token': host.token }, chunks: seventeen });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error.message).toMatch(/over the \d+-byte limit/);
    // Declared: refused from the header, the body still sent by the client is drained.
    const declared = await request(host.port, {
      method: 'POST',
      path: '/api/call/app.info',
      headers: { 'x-synood-token': host.token, 'content-length': 17 * mib.length },
      chunks: seventeen,
    });
    expect(declared.status).toBe(413);
    expect(declared.headers.connection).toBe('close');
    await alive();
  });

  it('refuses a cross-origin Origin, accepts its own origin or none', async () => {
    const evil = await api('app.info', '{}', { origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).error.message).toContain('evil.example');
    expect((await api('app.info', '{}', { origin: 'null' })).status).toBe(403);
    expect((await request(host.port, { path: '/', headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await api('app.info', '{}', { origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
    expect((await api('app.info', '{}', { origin: `http://localhost:${host.port}` })).status).toBe(200);
    expect((await api('app.info', '{}')).status).toBe(200);
  });

  it('refuses JSON nested deeper than 64 levels with a 400 naming the problem', async () => {
    const deep = await api('app.info', '['.repeat(100_000) + ']'.repeat(100_000));
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.body).error).toMatchObject({ code: 'invalid_input' });
    expect(JSON.parse(deep.body).error.message).toMatch(/deeper than 64 levels/);
    // Brackets inside strings are text, not nesting.
    const inString = await api('app.info', JSON.stringify({ note: '['.repeat(1000) }));
    expect(inString.status).toBe(400);
    expect(JSON.parse(inString.body).error.message).not.toMatch(/deeper than/);
    // 64 levels are fine as far as the depth check goes.
    const ok = await api('app.info', '{"a":' + '['.repeat(63) + ']'.repeat(63) + '}');
    expect(JSON.parse(ok.body).error.message).not.toMatch(/deeper than/);
    await alive();
  });
});
