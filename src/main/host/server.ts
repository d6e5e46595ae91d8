import http from 'node:http';
import fs from 'node:fs';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Studio } from '../root';
import { SERVABLE_FOLDERS } from '../project/paths';
import { resolveServablePath, UnsafePathError } from '../files/safe-path';
import type { ApiErrorBody, ApiErrorCode } from '../../shared/api/errors';
import { contentSecurityPolicy } from './csp';
import { contentType, rendererFile } from './static';

export interface BrowserHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const STATUS: Record<ApiErrorCode, number> = { invalid_input: 400, not_found: 404, conflict: 409, no_project: 409, unauthorized: 401, forbidden: 403, internal: 500 };
const MAX_BODY = 16 * 1024 * 1024;

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

function sendError(res: http.ServerResponse, code: ApiErrorCode, message: string) {
  sendJson(res, STATUS[code], { ok: false, error: { code, message } satisfies ApiErrorBody });
}

function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error(`request body over ${MAX_BODY} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Browser mode: the same studio over HTTP JSON + server-sent events, bound to 127.0.0.1 only, every API and file
 * request carrying the per-launch random token. The renderer build is served as static files.
 */
export async function startBrowserHost(studio: Studio, opts: { rendererDir: string; port?: number; token?: string }): Promise<BrowserHost> {
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url');
  const csp = contentSecurityPolicy();
  let port = 0;

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      // DNS-rebinding guard: a page on another origin that resolves to 127.0.0.1 still sends its own Host.
      const host = req.headers.host ?? '';
      if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) return sendError(res, 'forbidden', `host '${host}' not allowed`);
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('referrer-policy', 'no-referrer');

      if (url.pathname.startsWith('/api/')) {
        const given = (req.headers['x-synood-token'] as string | undefined) ?? url.searchParams.get('token');
        if (!tokenMatches(token, given)) return sendError(res, 'unauthorized', 'missing or wrong token');
        if (url.pathname === '/api/events' && req.method === 'GET') {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
          res.write(': connected\n\n');
          const off = studio.onEvent((e) => res.write(`data: ${JSON.stringify(e)}\n\n`));
          const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
          req.on('close', () => {
            off();
            clearInterval(ping);
          });
          return;
        }
        const m = /^\/api\/call\/([a-z.]+)$/.exec(url.pathname);
        if (!m || req.method !== 'POST') return sendError(res, 'not_found', `no API endpoint ${req.method} ${url.pathname}`);
        let input: unknown;
        try {
          const body = await readBody(req);
          input = body ? JSON.parse(body) : {};
        } catch (e) {
          return sendError(res, 'invalid_input', `request body is not valid JSON: ${(e as Error).message}`);
        }
        const result = await studio.call(m[1]!, input);
        return sendJson(res, result.ok ? 200 : STATUS[result.error.code], result);
      }

      // Route on the raw path: URL parsing would collapse '/files/../x' into '/x' and hide the attempt.
      const rawPath = (req.url ?? '').split('?')[0]!;
      if (rawPath.startsWith('/files/')) {
        if (!tokenMatches(token, url.searchParams.get('token'))) return sendError(res, 'unauthorized', 'missing or wrong token');
        const project = studio.project;
        if (!project) return sendError(res, 'no_project', 'no project is open');
        // Use the raw (still encoded) path so encoded traversal attempts are seen and refused.
        let file: string;
        try {
          file = resolveServablePath(project.paths.root, SERVABLE_FOLDERS, rawPath.slice('/files/'.length));
        } catch (e) {
          if (e instanceof UnsafePathError) return sendError(res, 'forbidden', e.message);
          throw e;
        }
        res.writeHead(200, { 'content-type': contentType(file), 'cache-control': 'private, max-age=3600' });
        fs.createReadStream(file).pipe(res);
        return;
      }

      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 'not_found', 'not found');
      const file = rendererFile(opts.rendererDir, url.pathname);
      if (!file) return sendError(res, 'not_found', `no renderer file for ${url.pathname}${fs.existsSync(opts.rendererDir) ? '' : ` (build missing: ${opts.rendererDir}; run npm run build:renderer)`}`);
      res.writeHead(200, { 'content-type': contentType(file), 'content-security-policy': csp, 'cache-control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600' });
      fs.createReadStream(file).pipe(res);
    } catch (e) {
      if (!res.headersSent) sendError(res, 'internal', (e as Error).message);
      else res.end();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
