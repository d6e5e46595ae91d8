import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { LayoutContext, ModelRole, OnnxRule } from './contract-types';
import { ROLE_CONTRACTS } from './contracts';
import { downloadFile, type DownloadedFile } from './download-file';
import { presentVariants, variantFile, type OnnxDtype } from './dtype-variants';
import { externalDataNeeds } from './external-data';
import { HubCancelledError, HubOfflineError, type ManualFile } from './hub-errors';
import { checkRepoId, hubEndpoint, hubToken, listRepoFiles, networkErrorCode, resolveUrl, type HubTarget, type RemoteFile } from './hub-http';
import { readOnnxSignature } from './onnx-signature';
import { chooseLayout } from './validate';
import { isWeightFile } from './weight-files';

export interface HubProgress {
  file: string;
  fileBytes: number;
  fileTotal: number | null;
  /** Bytes done over the files planned so far (a role's external data is planned once its ONNX files arrive). */
  bytes: number;
  /** null while any planned file's size is unknown. */
  total: number | null;
}

export interface HubDownloadOptions {
  /** "owner/name". */
  repo: string;
  /** Branch, tag or commit; default "main". */
  revision?: string;
  /** The model folder to fill. */
  dest: string;
  /** Download only what this role loads (its configuration files, one layout's ONNX files and their external data). */
  role?: ModelRole;
  /**
   * Which transformers.js precision of each variant-capable ONNX file to fetch (`onnx/decoder_model_merged_q4.onnx`
   * for q4): one dtype for all, or per session name (`{ decoder_model_merged: 'q4', vision_encoder: 'fp16' }`).
   * Default: full precision where the repository has it, else its preferred variant (a q4-only repository works).
   */
  dtype?: HubDtype;
  /** Exactly these files, skipping the repository listing (sizes and checksums then come from the download headers). */
  files?: string[];
  /** Default: HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string;
  /** Default: HF_TOKEN. */
  token?: string;
  onProgress?: (p: HubProgress) => void;
  signal?: AbortSignal;
  /** Resumed attempts per file after a broken transfer; default 3. */
  retries?: number;
  retryDelayMs?: number;
}

/** One dtype for every ONNX file, or one per transformers.js session name (the file's base name without `.onnx`). */
export type HubDtype = OnnxDtype | Partial<Record<string, OnnxDtype>>;

/** The session name transformers.js keys per-file dtypes by: `onnx/decoder_model_merged.onnx` → `decoder_model_merged`. */
export function sessionName(file: string): string {
  return file.split('/').pop()!.replace(/\.onnx$/, '');
}

/** The listed file a rule's download takes, honouring the wanted dtype; an error naming the file and what is listed. */
function remoteOnnxFile(rule: OnnxRule, byPath: Map<string, RemoteFile>, dtype: HubDtype | undefined, repo: string): RemoteFile | undefined {
  if (!rule.variants) return byPath.get(rule.file);
  const wanted = typeof dtype === 'string' ? dtype : dtype?.[sessionName(rule.file)];
  const listed = presentVariants(rule.file, (rel) => byPath.has(rel));
  if (wanted === undefined) return listed[0] === undefined ? undefined : byPath.get(variantFile(rule.file, listed[0]));
  const remote = byPath.get(variantFile(rule.file, wanted));
  if (remote) return remote;
  const has = listed.map((d) => `${d} (${variantFile(rule.file, d)})`).join(', ') || 'none';
  throw new Error(`${repo} has no ${wanted} variant of ${rule.file} (${variantFile(rule.file, wanted)} is not listed); it has: ${has}`);
}

export interface HubDownloadResult {
  repo: string;
  revision: string;
  dest: string;
  files: DownloadedFile[];
}

/** Repository paths come from the server: none may climb out of the destination folder. */
function checkRepoPath(path: string): void {
  if (isAbsolute(path) || path.includes('\\') || path.split('/').some((s) => s === '..' || s === '')) {
    throw new Error(`the repository lists an unsafe file name "${path}"; refusing to write it`);
  }
}

/** The files a role needs in its preferred layout, for the offline message when the listing is unreachable. */
export function roleFileList(role: ModelRole): string[] {
  const ctx: LayoutContext = { root: '', readJson: () => undefined, exists: () => false };
  const layout = ROLE_CONTRACTS[role].layouts(ctx)[0]!;
  return [...layout.files.map((f) => f.anyOf[0]!), ...layout.onnx.map((o) => o.file)];
}

class Downloader {
  readonly done: DownloadedFile[] = [];
  private readonly planned = new Map<string, RemoteFile>();
  private bytesBefore = 0;

  constructor(
    private readonly o: HubDownloadOptions,
    private readonly target: HubTarget,
    private readonly dest: string,
  ) {}

  plan(files: RemoteFile[]): void {
    for (const f of files) if (!this.planned.has(f.path)) this.planned.set(f.path, f);
  }

  remaining(): RemoteFile[] {
    const finished = new Set(this.done.map((d) => d.path));
    return [...this.planned.values()].filter((f) => !finished.has(f.path));
  }

  private total(): number | null {
    let total = 0;
    for (const f of this.planned.values()) {
      if (f.size === null) return null;
      total += f.size;
    }
    return total;
  }

  async fetch(files: RemoteFile[]): Promise<void> {
    this.plan(files);
    for (const remote of files) {
      if (this.done.some((d) => d.path === remote.path)) continue;
      const result = await downloadFile({
        url: resolveUrl(this.target, remote.path),
        dest: join(this.dest, remote.path),
        remote,
        token: this.target.token,
        signal: this.o.signal,
        retries: this.o.retries ?? 3,
        retryDelayMs: this.o.retryDelayMs ?? 1000,
        onBytes: (fileBytes, fileTotal) => this.o.onProgress?.({ file: remote.path, fileBytes, fileTotal, bytes: this.bytesBefore + fileBytes, total: this.total() }),
      });
      this.bytesBefore += result.bytes;
      this.done.push(result);
    }
  }
}

/** Which of the listed files the role loads, fetching its configuration first (a VLM's config names its ONNX files). */
async function fetchForRole(role: ModelRole, listing: RemoteFile[], d: Downloader, dest: string, dtype: HubDtype | undefined, repo: string): Promise<void> {
  const byPath = new Map(listing.map((f) => [f.path, f]));
  await d.fetch(listing.filter((f) => !isWeightFile(f.path)));
  const ctx: LayoutContext = {
    root: dest,
    exists: (rel) => byPath.has(rel),
    readJson: (rel) => {
      try {
        return JSON.parse(readFileSync(join(dest, rel), 'utf8'));
      } catch {
        return undefined;
      }
    },
  };
  const layout = chooseLayout(ROLE_CONTRACTS[role].layouts(ctx), ctx);
  // Files the layout wants but the repository lacks are left for validation to name.
  const onnx = layout.onnx.map((r) => remoteOnnxFile(r, byPath, dtype, repo)).filter((f): f is RemoteFile => f !== undefined);
  await d.fetch(onnx);
  // External data is whatever the downloaded graphs reference, whatever its naming convention.
  const data = new Map<string, RemoteFile>();
  for (const f of onnx) {
    for (const need of externalDataNeeds(f.path, readOnnxSignature(join(dest, f.path)).externalData).keys()) {
      checkRepoPath(need);
      data.set(need, byPath.get(need) ?? { path: need, size: null, sha256: null });
    }
  }
  await d.fetch([...data.values()]);
}

/**
 * Downloads a model repository's files from the Hugging Face hub (or HF_ENDPOINT) into `dest`, with progress,
 * resume of `.partial` files, checksums and cancel. Offline, it throws HubOfflineError saying which files to
 * copy where.
 */
export async function downloadFromHub(o: HubDownloadOptions): Promise<HubDownloadResult> {
  checkRepoId(o.repo);
  const revision = o.revision ?? 'main';
  const target: HubTarget = { endpoint: hubEndpoint(o.endpoint), repo: o.repo, revision, token: hubToken(o.token) };
  const dest = resolve(o.dest);
  const d = new Downloader(o, target, dest);
  const offline = (err: unknown, files: string[], guessed: boolean): HubOfflineError => {
    const manual: ManualFile[] = files.map((path) => ({ path, url: resolveUrl(target, path), target: join(dest, path) }));
    return new HubOfflineError(target.endpoint, networkErrorCode(err)!, o.repo, revision, dest, manual, guessed);
  };

  let listing: RemoteFile[];
  try {
    listing = o.files ? o.files.map((path) => ({ path, size: null, sha256: null })) : await listRepoFiles(target, o.signal);
  } catch (err) {
    if (o.signal?.aborted) throw new HubCancelledError('', '', 0);
    if (networkErrorCode(err)) throw offline(err, o.role ? roleFileList(o.role) : [], true);
    throw err;
  }
  listing.forEach((f) => checkRepoPath(f.path));

  try {
    if (o.role && !o.files) await fetchForRole(o.role, listing, d, dest, o.dtype, o.repo);
    else await d.fetch(listing);
  } catch (err) {
    if (networkErrorCode(err)) {
      const rest = new Set(d.remaining().map((f) => f.path));
      // The role's ONNX files may not be planned yet when the connection drops during its configuration files.
      const listed = new Set(listing.map((f) => f.path));
      const finished = new Set(d.done.map((f) => f.path));
      if (o.role && !o.files) for (const f of roleFileList(o.role)) if (listed.has(f) && !finished.has(f)) rest.add(f);
      throw offline(err, [...rest], false);
    }
    throw err;
  }
  return { repo: o.repo, revision, dest, files: d.done };
}
