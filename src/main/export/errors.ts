/** The export target already holds something and --force was not given: nothing was touched. */
export class ExportTargetExistsError extends Error {
  constructor(readonly target: string, what: 'folder' | 'file') {
    super(what === 'folder' ? `${target} is not empty; choose an empty or new folder, or pass --force to replace it` : `${target} already exists; choose another name, or pass --force to replace it`);
    this.name = 'ExportTargetExistsError';
  }
}

/** The disk filled up while writing `file`; the partial export was removed and any previous target kept. */
export class ExportDiskFullError extends Error {
  constructor(readonly file: string) {
    super(`disk full while writing ${file}; the export was abandoned, its partial files removed, and nothing that was there before was changed`);
    this.name = 'ExportDiskFullError';
  }
}

/** ENOSPC (no space) and EDQUOT (quota) both mean the same to a user: the export does not fit. */
export function isDiskFull(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/** The project has nothing of the kind asked for (no accepted candidates, no selected labels, no evaluations). */
export class NothingToExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NothingToExportError';
  }
}

/** An export request that cannot be carried out as given (an unknown format, say). */
export class ExportInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportInputError';
  }
}
