import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubFile {
  path: string;
  data: Buffer;
  /** Stored in Git LFS: the hub redirects to its CDN and gives the sha256 in x-linked-etag. */
  lfs: boolean;
}

export interface RecordedRequest {
  server: 'hub' | 'cdn';
  url: string;
  range?: string;
  authorization?: string;
}

/** Misbehaviour to inject, keyed by repository file path. */
export interface Faults {
  /**
   * Send this many body bytes, then close the connection; `times` responses in a row. The close waits for
   * `closeAfter` (the client saying it has stored those bytes): fetch drops chunks still queued when the
   * stream errors, so closing at once would make how much of the cut file arrives a race.
   */
  cut: Map<string, { bytes: number; times: number; closeAfter?: Promise<void> }>;
  /** Serve these with one byte flipped. */
  corrupt: Set<string>;
  /** Serve these 4 KiB at a time, 15 ms apart. */
  slow: Set<string>;
  /** Answer range requests with the whole file (200), as some mirrors do. */
  ignoreRange: boolean;
  /** Require `Authorization: Bearer <token>` on the hub (a gated repository). */
  token?: string;
}

export interface FakeHub {
  endpoint: string;
  requests: RecordedRequest[];
  faults: Faults;
  close(): Promise<void>;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
// The hub's ETag for a regular file is its git blob id: sha1 over "blob <size>\0" + content.
const gitBlobId = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * A local stand-in for huggingface.co with its URL shapes: /api/models/<repo>/revision/<rev> (siblings with
 * sizes and LFS sha256), /<repo>/resolve/<rev>/<path> (LFS files: 302 to a CDN on another origin with
 * x-linked-etag/x-linked-size; others: served directly), and HTTP Range on every file.
 */
export async function startFakeHub(repo: string, revision: string, files: HubFile[]): Promise<FakeHub> {
  const requests: RecordedRequest[] = [];
  const faults: Faults = { cut: new Map(), corrupt: new Set(), slow: new Set(), ignoreRange: false };
  const byPath = new Map(files.map((f) => [f.path, f]));
  const bySha = new Map(files.filter((f) => f.lfs).map((f) => [sha256(f.data), f]));
  let cdnOrigin = '';

  const serveBytes = (req: http.IncomingMessage, res: http.ServerResponse, file: HubFile, etag: string) => {
    let data = file.data;
    if (faults.corrupt.has(file.path)) {
      data = Buffer.from(data);
      data[data.length >> 1]! ^= 0xff;
    }
    const size = data.length;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    let start = 0;
    const headers: Record<string, string | number> = { etag: `"${etag}"`, 'accept-ranges': 'bytes', 'content-type': 'application/octet-stream' };
    if (range && !faults.ignoreRange) {
      start = Number(range[1]);
      if (start >= size) {
        res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
        return;
      }
      res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${size - 1}/${size}`, 'content-length': size - start });
    } else {
      res.writeHead(200, { ...headers, 'content-length': size });
    }
    const body = data.subarray(start);
    const cut = faults.cut.get(file.path);
    if (cut && cut.times > 0) {
      cut.times--;
      res.write(body.subarray(0, cut.bytes), () => {
        void (cut.closeAfter ?? Promise.resolve()).then(() => res.socket?.end());
      });
      return;
    }
    if (!faults.slow.has(file.path)) {
      res.end(body);
      return;
    }
    let pos = 0;
    const tick = () => {
      if (res.destroyed) return;
      if (pos >= body.length) return void res.end();
      res.write(body.subarray(pos, pos + 4096));
      pos += 4096;
      setTimeout(tick, 15);
    };
    tick();
  };

  const record = (server: RecordedRequest['server'], req: http.IncomingMessage) =>
    requests.push({ server, url: req.url ?? '', range: req.headers.range, authorization: req.headers.authorization });

  const hub = http.createServer((req, res) => {
    record('hub', req);
    const url = new URL(req.url ?? '/', 'http://hub');
    if (faults.token !== undefined && req.headers.authorization !== `Bearer ${faults.token}`) {
      res.writeHead(401).end('{"error":"Access to this repository is restricted"}');
      return;
    }
    if (url.pathname === `/api/models/${repo}/revision/${encodeURIComponent(revision)}`) {
      const siblings = files.map((f) => ({ rfilename: f.path, size: f.data.length, ...(f.lfs ? { lfs: { sha256: sha256(f.data), size: f.data.length, pointerSize: 134 } } : {}) }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: repo, sha: 'f'.repeat(40), siblings }));
      return;
    }
    const prefix = `/${repo}/resolve/${encodeURIComponent(revision)}/`;
    const file = url.pathname.startsWith(prefix) ? byPath.get(decodeURIComponent(url.pathname.slice(prefix.length))) : undefined;
    if (!file) {
      res.writeHead(404).end('Entry not found');
      return;
    }
    if (file.lfs) {
      const sha = sha256(file.data);
      res.writeHead(302, { location: `${cdnOrigin}/lfs/${sha}`, 'x-linked-etag': `"${sha}"`, 'x-linked-size': file.data.length, 'x-repo-commit': 'f'.repeat(40) }).end();
      return;
    }
    serveBytes(req, res, file, gitBlobId(file.data));
  });

  const cdn = http.createServer((req, res) => {
    record('cdn', req);
    const file = bySha.get((req.url ?? '').replace(/^\/lfs\//, ''));
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    serveBytes(req, res, file, sha256(file.data));
  });

  const hubPort = await listen(hub);
  cdnOrigin = `http://127.0.0.1:${await listen(cdn)}`;
  return {
    endpoint: `http://127.0.0.1:${hubPort}`,
    requests,
    faults,
    close: async () => {
      for (const s of [hub, cdn]) {
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
    },
  };
}

/** A port with nothing listening on it: connecting is refused, as when offline behind a dead proxy. */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  const port = await listen(s);
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
