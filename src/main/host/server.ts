import http from 'node:http';
import fs from 'node:fs';
import { pipeline } from 'node:stream';
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
/** Arrays/objects nested deeper than this in a request body are refused before parsing. */
const MAX_JSON_DEPTH = 64;

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

/** The body is over MAX_BODY: answered 413 before it was all read; the rest is drained, not buffered. */
class BodyTooLargeError extends Error {
  readonly status = 413;
  constructor(message: string) {
    super(message);
    this.name = 'BodyTooLargeError';
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let size = 0;
    let refused = false;
    const chunks: Buffer[] = [];
    const refuse = (message: string) => {
      refused = true;
      chunks.length = 0;
      reject(new BodyTooLargeError(message));
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (refused) {
        // Keep reading (and dropping) so that a client still sending gets to read the 413 (closing on unread
        // data would reset the connection under it); one that goes on far past the limit is cut off.
        if (size > 4 * MAX_BODY) req.socket.destroy();
        return;
      }
      if (size > MAX_BODY) return refuse(`request body is over the ${MAX_BODY}-byte limit`);
      chunks.push(c);
    });
    req.on('end', () => {
      if (!refused) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
    // A client that disconnects mid-body: settle, so nothing waits on a body that will never end.
    req.on('close', () => {
      if (!req.complete) reject(new Error('the client closed the connection before sending the whole body'));
    });
    // A declared length over the limit is refused before a byte is buffered.
    if (Number.isFinite(declared) && declared > MAX_BODY) refuse(`request body of ${declared} bytes is over the ${MAX_BODY}-byte limit`);
  });
}

/**
 * How deep arrays and objects nest, up to `limit + 1` (the scan stops there). JSON.parse itself copes with deep
 * nesting, but everything after it (validation, logging, JSON.stringify of echoes) recurses and can overflow the stack.
 */
function jsonDepthOver(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** A file system error while serving one file becomes that request's answer; the server goes on. */
function sendFileError(res: http.ServerResponse, err: NodeJS.ErrnoException, what: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return sendError(res, 'not_found', `${what} does not exist`);
  // Out of file descriptors (or another passing condition): this request fails, a retry later may not.
  const status = err.code === 'EMFILE' || err.code === 'ENFILE' || err.code === 'EAGAIN' || err.code === 'EBUSY' ? 503 : 500;
  if (status === 503) res.setHeader('retry-after', '1');
  sendJson(res, status, { ok: false, error: { code: 'internal', message: `cannot read ${what}: ${err.code ?? err.message}` } satisfies ApiErrorBody });
}

/**
 * Streams one file. The file is opened before the status line is written, so an open that fails (EMFILE, a file
 * deleted since it was resolved) still gets a proper error answer; pipeline() destroys the read stream (closing
 * its descriptor) when the client goes away mid-download, where .pipe() would leave it open.
 */
async function sendFile(req: http.IncomingMessage, res: http.ServerResponse, file: string, headers: http.OutgoingHttpHeaders, what: string): Promise<void> {
  let handle: fs.promises.FileHandle;
  let size: number;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (e) {
    return sendFileError(res, e as NodeJS.ErrnoException, what);
  }
  try {
    size = (await handle.stat()).size;
  } catch (e) {
    await handle.close().catch(() => undefined);
    return sendFileError(res, e as NodeJS.ErrnoException, what);
  }
  if (res.destroyed || req.method === 'HEAD') {
    await handle.close().catch(() => undefined);
    if (!res.destroyed) {
      res.writeHead(200, { ...headers, 'content-length': size });
      res.end();
    }
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': size });
  const stream = handle.createReadStream(); // autoClose: closing the stream closes the handle
  pipeline(stream, res, (err) => {
    // A client that aborts is not an error worth reporting; a read error after the head is out can only cut the reply.
    if (err && !res.destroyed) res.destroy();
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
      // A page on another origin can send requests here (a form post, fetch with no-cors) but its browser names it in
      // Origin; only the app's own origin (or no Origin, as same-origin GETs send) may reach the API or files.
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) return sendError(res, 'forbidden', `origin '${origin}' not allowed`);
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
        let body: string;
        try {
          body = await readBody(req);
        } catch (e) {
          if (e instanceof BodyTooLargeError) {
            // The client may still be sending: say so, and close the connection rather than reuse it.
            res.setHeader('connection', 'close');
            return sendJson(res, e.status, { ok: false, error: { code: 'invalid_input', message: e.message } satisfies ApiErrorBody });
          }
          throw e;
        }
        if (jsonDepthOver(body, MAX_JSON_DEPTH)) return sendError(res, 'invalid_input', `request body nests arrays/objects deeper than ${MAX_JSON_DEPTH} levels`);
        let input: unknown;
        try {
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
          if (e instanceof UnsafePathError) return sendError(res, e.missing ? 'not_found' : 'forbidden', e.message);
          throw e;
        }
        return await sendFile(req, res, file, { 'content-type': contentType(file), 'cache-control': 'private, max-age=3600' }, rawPath);
      }

      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 'not_found', 'not found');
      const file = rendererFile(opts.rendererDir, url.pathname);
      if (!file) return sendError(res, 'not_found', `no renderer file for ${url.pathname}${fs.existsSync(opts.rendererDir) ? '' : ` (build missing: ${opts.rendererDir}; run npm run build:renderer)`}`);
      await sendFile(req, res, file, { 'content-type': contentType(file), 'content-security-policy': csp, 'cache-control': file.endsWith('index.html') ? 'no-store' : 'max-age=3600' }, url.pathname);
    } catch (e) {
      if (!res.headersSent) sendError(res, 'internal', (e as Error).message);
      else res.destroy();
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
