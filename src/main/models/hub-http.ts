import { HubHttpError } from './hub-errors';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

export interface HubTarget {
  endpoint: string;
  repo: string;
  revision: string;
  token?: string;
}

/** What the hub says about one file before it is downloaded; null where it does not say. */
export interface RemoteFile {
  path: string;
  size: number | null;
  sha256: string | null;
}

/** HF_ENDPOINT (a mirror, or a local server in tests) is read at call time so a changed environment applies. */
export function hubEndpoint(explicit?: string): string {
  return (explicit ?? process.env.HF_ENDPOINT ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
}

export function hubToken(explicit?: string): string | undefined {
  return explicit ?? (process.env.HF_TOKEN || undefined);
}

const REPO_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;

export function checkRepoId(repo: string): void {
  if (!REPO_ID.test(repo) || repo.includes('..')) throw new Error(`"${repo}" is not a Hugging Face repository id (expected owner/name)`);
}

export function resolveUrl(t: HubTarget, path: string): string {
  return `${t.endpoint}/${t.repo}/resolve/${encodeURIComponent(t.revision)}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

export function listingUrl(t: HubTarget): string {
  return `${t.endpoint}/api/models/${t.repo}/revision/${encodeURIComponent(t.revision)}?blobs=true`;
}

/** Network failures that mean "no connection at all", as opposed to a transfer that broke midway. */
const OFFLINE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT']);

/** The system error code behind a failed fetch (undici wraps it in `cause`, several of them for multi-address hosts). */
export function networkErrorCode(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const visit = (e: unknown): string | undefined => {
    if (!e || typeof e !== 'object' || seen.has(e)) return undefined;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && OFFLINE_CODES.has(code)) return code;
    for (const inner of (e as { errors?: unknown[] }).errors ?? []) {
      const c = visit(inner);
      if (c) return c;
    }
    return visit((e as { cause?: unknown }).cause);
  };
  return visit(err);
}

export interface HubResponse {
  response: Response;
  /** The sha256 of an LFS file, from the hub's `x-linked-etag` (on its redirect) or a 64-hex ETag. */
  sha256: string | null;
  /** `x-linked-size`, the LFS file's full size. */
  linkedSize: number | null;
}

const SHA256_ETAG = /^(?:W\/)?"?([0-9a-f]{64})"?$/;

function sha256FromEtag(value: string | null): string | null {
  return value ? (SHA256_ETAG.exec(value.trim())?.[1] ?? null) : null;
}

/**
 * GET that follows redirects itself: the hub puts an LFS file's sha256 (`x-linked-etag`) on the redirect to its
 * CDN, which an automatic follow would drop, and the token must not travel to another host.
 */
export async function hubGet(url: string, opts: { token?: string; range?: number; signal?: AbortSignal }): Promise<HubResponse> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.range !== undefined && opts.range > 0) headers.range = `bytes=${opts.range}-`;
  let current = new URL(url);
  let sha256: string | null = null;
  let linkedSize: number | null = null;
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(current, { headers, redirect: 'manual', signal: opts.signal }).catch((err: unknown) => {
      if (networkErrorCode(err) || opts.signal?.aborted) throw err;
      // undici's own message is just "fetch failed"; the reason is in its cause.
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
      throw new Error(`${current.href}: ${cause}`, { cause: err });
    });
    sha256 ??= sha256FromEtag(response.headers.get('x-linked-etag'));
    const size = response.headers.get('x-linked-size');
    if (linkedSize === null && size !== null && /^\d+$/.test(size)) linkedSize = Number(size);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      const next = new URL(location, current);
      if (next.origin !== current.origin) delete headers.authorization;
      current = next;
      continue;
    }
    sha256 ??= sha256FromEtag(response.headers.get('etag'));
    return { response, sha256, linkedSize };
  }
  throw new Error(`${url}: too many redirects`);
}

interface Sibling {
  rfilename?: unknown;
  size?: unknown;
  lfs?: { sha256?: unknown; size?: unknown };
}

/** The repository's files at a revision, with sizes and LFS sha256 where the hub gives them. */
export async function listRepoFiles(t: HubTarget, signal?: AbortSignal): Promise<RemoteFile[]> {
  const url = listingUrl(t);
  const { response } = await hubGet(url, { token: t.token, signal });
  if (!response.ok) {
    await response.body?.cancel();
    throw new HubHttpError(url, response.status);
  }
  const body = (await response.json()) as { siblings?: Sibling[] };
  if (!Array.isArray(body.siblings)) throw new Error(`${url}: the answer has no "siblings" file list`);
  return body.siblings
    .filter((s): s is Sibling & { rfilename: string } => typeof s.rfilename === 'string')
    .map((s) => ({
      path: s.rfilename,
      size: typeof s.lfs?.size === 'number' ? s.lfs.size : typeof s.size === 'number' ? s.size : null,
      sha256: typeof s.lfs?.sha256 === 'string' ? s.lfs.sha256 : null,
    }));
}
