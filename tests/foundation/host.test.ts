import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Studio } from '../../src/main/root';
import { startBrowserHost, type BrowserHost } from '../../src/main/host/server';
import { tmpDir, waitFor } from '../helpers/tmp';

/** Raw HTTP so the test controls Host headers and un-normalised paths (fetch would normalise '..'). */
function request(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: { host: `127.0.0.1:${port}`, ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

describe('browser-mode host', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  let host: BrowserHost;
  const call = (route: string, body: unknown, token = host.token) =>
    request(host.port, { method: 'POST', path: `/api/call/${route}`, headers: { 'x-synood-token': token, 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    t = tmpDir();
    const rendererDir = path.join(t.dir, 'renderer');
    fs.mkdirSync(rendererDir);
    fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>SynOOD Studio</title>');
    fs.writeFileSync(path.join(t.dir, 'secret.txt'), 'top secret');
    studio = new Studio({ transport: 'browser', homeDir: path.join(t.dir, 'home') });
    host = await startBrowserHost(studio, { rendererDir });
  });
  afterAll(async () => {
    await host.close();
    await studio.close();
    t.cleanup();
  });

  it('binds to 127.0.0.1 and prints a tokenised URL', () => {
    expect(host.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{32}$`));
  });

  it('serves the shell with a strict CSP', async () => {
    const r = await request(host.port, { path: '/' });
    expect(r.status).toBe(200);
    expect(r.body).toContain('SynOOD Studio');
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['content-security-policy']).toContain("object-src 'none'");
  });

  it('refuses API calls without the right token, and foreign Host headers', async () => {
    expect((await call('app.info', {}, 'wrong')).status).toBe(401);
    expect((await request(host.port, { method: 'POST', path: '/api/call/app.info', body: '{}' })).status).toBe(401);
    const rebinding = await request(host.port, { method: 'POST', path: '/api/call/app.info', headers: { host: 'evil.example:80', 'x-synood-token': host.token }, body: '{}' });
    expect(rebinding.status).toBe(403);
  });

  it('answers invalid payloads with a typed error naming the field, and keeps running', async () => {
    const bad = await call('project.create', { dir: 42, name: '' });
    expect(bad.status).toBe(400);
    const body = JSON.parse(bad.body);
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['dir', 'name']);
    const notJson = await call('app.info', '{not json');
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body).error.message).toMatch(/not valid JSON/);
    const extra = await call('app.info', { surprise: 1 });
    expect(JSON.parse(extra.body).error.code).toBe('invalid_input');
    const unknown = await call('no.such.route', {});
    expect(unknown.status).toBe(404);
    const noProject = await call('dataset.list', {});
    expect(JSON.parse(noProject.body).error.code).toBe('no_project');
    // Still alive and answering.
    const ok = await call('app.info', {});
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ok: true, value: { transport: 'browser', project: null } });
  });

  it('serves project files only from the project folders, refusing traversal', async () => {
    const dir = path.join(t.dir, 'proj');
    expect((await call('project.create', { dir, name: 'p' })).status).toBe(200);
    fs.mkdirSync(path.join(dir, 'thumbs', 'x'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'thumbs', 'x', 'a.jpg'), 'jpegbytes');
    const q = `?token=${host.token}`;
    const ok = await request(host.port, { path: `/files/thumbs/x/a.jpg${q}` });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('jpegbytes');
    expect((await request(host.port, { path: '/files/thumbs/x/a.jpg' })).status).toBe(401);
    for (const p of ['/files/../secret.txt', '/files/thumbs/../../secret.txt', '/files/thumbs/%2e%2e/%2e%2e/secret.txt', '/files/thumbs/%252e%252e/%252e%252e/secret.txt', '/files/%2f' + encodeURIComponent(path.join(t.dir, 'secret.txt')), '/files/synood.db']) {
      const r = await request(host.port, { path: p + q });
      expect(r.status, p).toBe(403);
      expect(r.body).not.toContain('top secret');
    }
  });

  it('pushes events over server-sent events', async () => {
    const received: string[] = [];
    const req = http.get({ host: '127.0.0.1', port: host.port, path: `/api/events?token=${host.token}`, headers: { host: `127.0.0.1:${host.port}` } }, (res) => {
      res.on('data', (c: Buffer) => received.push(c.toString()));
    });
    await waitFor(() => received.join('').includes('connected'));
    await call('project.open', { dir: path.join(t.dir, 'proj') });
    await waitFor(() => received.join('').includes('"type":"data.changed"'));
    req.destroy();
  });
});
