import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HubCancelledError, HubChecksumError, HubHttpError, HubInterruptedError } from './hub-errors';
import { hubGet, networkErrorCode, type RemoteFile } from './hub-http';

export interface DownloadFileOptions {
  url: string;
  /** Final absolute path; bytes go to `<dest>.partial` until the whole file is verified. */
  dest: string;
  remote: RemoteFile;
  token?: string;
  signal?: AbortSignal;
  /** Further attempts after a broken transfer, each resuming where the last stopped. */
  retries: number;
  retryDelayMs: number;
  onBytes?: (fileBytes: number, fileTotal: number | null) => void;
}

export interface DownloadedFile {
  path: string;
  bytes: number;
  sha256: string;
  /** 'sha256' when the hub gave a checksum for it, else only its size could be checked. */
  verified: 'sha256' | 'size';
  /** Already complete on disk: nothing was transferred. */
  skipped: boolean;
  /** Some bytes came from an earlier, interrupted attempt. */
  resumed: boolean;
}

async function hashExisting(path: string, hash: Hash, signal?: AbortSignal): Promise<void> {
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
}

async function sha256Of(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await hashExisting(path, hash, signal);
  return hash.digest('hex');
}

/** A file already in place counts as downloaded only if it matches what the hub describes. */
async function alreadyComplete(o: DownloadFileOptions): Promise<DownloadedFile | null> {
  if (!existsSync(o.dest) || o.remote.size === null) return null;
  const size = statSync(o.dest).size;
  if (size !== o.remote.size) return null;
  const sha256 = await sha256Of(o.dest, o.signal);
  if (o.remote.sha256 !== null && sha256 !== o.remote.sha256) return null;
  return { path: o.remote.path, bytes: size, sha256, verified: o.remote.sha256 ? 'sha256' : 'size', skipped: true, resumed: false };
}

function isAbort(err: unknown, signal?: AbortSignal): boolean {
  return signal?.aborted === true || (err instanceof Error && err.name === 'AbortError');
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+|\*)$/;

/**
 * Downloads one file with resume: bytes append to `<dest>.partial` (continuing an earlier partial with an HTTP
 * Range request), the result is checked against the hub's sha256 (else its size), and only then renamed into
 * place. A broken transfer is retried from where it stopped; a cancel keeps the partial for later.
 */
export async function downloadFile(o: DownloadFileOptions): Promise<DownloadedFile> {
  const partial = `${o.dest}.partial`;
  const done = await alreadyComplete(o).catch((err: unknown) => {
    throw isAbort(err, o.signal) ? new HubCancelledError(o.remote.path, partial, 0) : err;
  });
  if (done) return done;
  mkdirSync(dirname(o.dest), { recursive: true });
  let expectedSha = o.remote.sha256;
  let expectedSize = o.remote.size;
  let resumed = false;
  for (let attempt = 0; ; attempt++) {
    let offset = existsSync(partial) ? statSync(partial).size : 0;
    if (expectedSize !== null && offset > expectedSize) {
      rmSync(partial);
      offset = 0;
    }
    const hash = createHash('sha256');
    let bytes = offset;
    try {
      // Whether the partial's bytes stay: not when the server sends the whole file instead of the rest.
      let append = offset > 0;
      let body: ReadableStream<Uint8Array> | null = null;
      if (expectedSize === null || offset < expectedSize) {
        const { response, sha256, linkedSize } = await hubGet(o.url, { token: o.token, range: offset, signal: o.signal });
        expectedSha ??= sha256;
        expectedSize ??= linkedSize;
        if (response.status === 416) {
          // The partial is at least as long as the file: it is verified as it is below.
          await response.body?.cancel();
        } else if (!response.ok || !response.body) {
          await response.body?.cancel();
          throw new HubHttpError(o.url, response.status);
        } else {
          const range = CONTENT_RANGE.exec(response.headers.get('content-range') ?? '');
          if (response.status === 206 && range && Number(range[1]) === offset) {
            if (range[3] !== '*') expectedSize ??= Number(range[3]);
          } else {
            append = false;
            bytes = 0;
            const length = response.headers.get('content-length');
            if (response.status === 200 && length !== null) expectedSize ??= Number(length);
          }
          body = response.body;
        }
      }
      if (append) {
        resumed = true;
        await hashExisting(partial, hash, o.signal);
      }
      if (body) {
        const file = await open(partial, append ? 'a' : 'w');
        try {
          const reader = body.getReader();
          o.onBytes?.(bytes, expectedSize);
          while (true) {
            const { done: end, value } = await reader.read();
            if (end) break;
            await file.write(value);
            hash.update(value);
            bytes += value.length;
            o.onBytes?.(bytes, expectedSize);
          }
        } finally {
          await file.close();
        }
      }
      // A server that closes early without having announced a length ends the body "normally".
      if (expectedSize !== null && bytes < expectedSize) throw new Error(`the connection closed after ${bytes} of ${expectedSize} bytes`);
    } catch (err) {
      if (isAbort(err, o.signal)) throw new HubCancelledError(o.remote.path, partial, existsSync(partial) ? statSync(partial).size : 0);
      if (err instanceof HubHttpError && err.status < 500) throw err;
      // No connection at all: retrying now will not help; the caller says what to copy by hand.
      if (networkErrorCode(err)) throw err;
      if (attempt >= o.retries) throw new HubInterruptedError(o.remote.path, partial, existsSync(partial) ? statSync(partial).size : 0, err);
      await new Promise((r) => setTimeout(r, o.retryDelayMs * (attempt + 1)));
      continue;
    }
    // An empty file needs no request, so nothing created its partial.
    if (!existsSync(partial)) writeFileSync(partial, new Uint8Array(0));
    return finish(o, partial, hash.digest('hex'), expectedSha, expectedSize, resumed);
  }
}

function finish(o: DownloadFileOptions, partial: string, sha256: string, expectedSha: string | null, expectedSize: number | null, resumed: boolean): DownloadedFile {
  const size = statSync(partial).size;
  // A corrupt partial would never heal by resuming, so it is discarded along with the refusal.
  if (expectedSize !== null && size !== expectedSize) {
    rmSync(partial);
    throw new HubChecksumError(o.remote.path, 'size', `${expectedSize} bytes`, `${size} bytes`);
  }
  if (expectedSha !== null && sha256 !== expectedSha) {
    rmSync(partial);
    throw new HubChecksumError(o.remote.path, 'sha256', expectedSha, sha256);
  }
  renameSync(partial, o.dest);
  return { path: o.remote.path, bytes: size, sha256, verified: expectedSha !== null ? 'sha256' : 'size', skipped: false, resumed };
}
