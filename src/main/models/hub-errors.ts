/** One file the user can fetch by hand and where it must go. */
export interface ManualFile {
  path: string;
  url: string;
  target: string;
}

/** The hub cannot be reached at all (no network, DNS failure, nothing listening): says what to copy where. */
export class HubOfflineError extends Error {
  constructor(
    readonly endpoint: string,
    readonly code: string,
    readonly repo: string,
    readonly revision: string,
    readonly dest: string,
    readonly files: ManualFile[],
    readonly fileListIsGuess: boolean,
  ) {
    const width = Math.max(0, ...files.map((f) => f.path.length));
    const lines = files.map((f) => `  ${f.path.padEnd(width)}  ->  ${f.target}\n  ${' '.repeat(width)}      (${f.url})`);
    const guess = fileListIsGuess
      ? '\nThe repository listing could not be read, so these are the files the role needs; copy external-data files ' +
        '(<name>.onnx_data, <name>.onnx.data, weights.pb) that sit next to an ONNX file too.'
      : '';
    super(
      `Cannot reach the Hugging Face hub at ${endpoint} (${code}). To install ${repo} (revision ${revision}) offline, ` +
        `download these files on a machine with access and copy them into ${dest}:\n${lines.join('\n')}${guess}\n` +
        `Then import the folder ${dest}. Set HF_ENDPOINT to use a mirror.`,
    );
    this.name = 'HubOfflineError';
  }
}

/** The hub answered with an error status. */
export class HubHttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    const why =
      status === 401 || status === 403
        ? 'the repository is private or gated: accept its terms on the hub and set HF_TOKEN to a token with access'
        : status === 404
          ? 'no such repository, revision or file'
          : 'the server refused the request';
    super(`${url}: HTTP ${status} (${why})`);
    this.name = 'HubHttpError';
  }
}

/** The downloaded bytes are not the file the hub describes; nothing was moved into place. */
export class HubChecksumError extends Error {
  constructor(
    readonly file: string,
    readonly check: 'sha256' | 'size',
    readonly expected: string,
    readonly found: string,
  ) {
    super(`${file}: downloaded ${check} ${found} does not match the hub's ${expected}; the file was discarded (not moved into place) — download it again`);
    this.name = 'HubChecksumError';
  }
}

/** The transfer kept failing; what arrived is kept in `<file>.partial` and the next download resumes from it. */
export class HubInterruptedError extends Error {
  constructor(
    readonly file: string,
    readonly partialPath: string,
    readonly bytes: number,
    cause: unknown,
  ) {
    super(`${file}: the transfer was interrupted (${cause instanceof Error ? cause.message : String(cause)}); ${bytes} bytes are kept in ${partialPath} and the next download resumes from there`, { cause });
    this.name = 'HubInterruptedError';
  }
}

/** Cancelled through the AbortSignal; the partial file is kept for a later resume. */
export class HubCancelledError extends Error {
  constructor(
    readonly file: string,
    readonly partialPath: string,
    readonly bytes: number,
  ) {
    super(`download cancelled during ${file}; ${bytes} bytes are kept in ${partialPath} for a later resume`);
    this.name = 'HubCancelledError';
  }
}
