import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { ModelRole, ValidationProblem } from './contract-types';
import { externalDataNeeds } from './external-data';
import { isWeightFile } from './weight-files';
import { combinedModelHash, hashFiles, type FileHash } from './hash';
import type { OnnxSignature } from './onnx-signature';
import { assertValidModel, type ValidationReport } from './validate';

/** What the `models` table stores for one imported model (its columns, JSON already serialised). */
export interface ModelRecord {
  role: ModelRole;
  /** The model folder, or for a classifier imported as a file, that file. */
  path: string;
  /** combinedModelHash over every recorded file. */
  sha256: string;
  /** JSON of ModelSignature. */
  signature_json: string;
  /** JSON of ModelValidation. */
  validation_json: string;
  provider: string | null;
}

/** An ONNX file's declared interface as recorded: external data summarised per data file. */
export interface RecordedOnnx {
  irVersion: number | null;
  opset: number | null;
  inputs: OnnxSignature['inputs'];
  outputs: OnnxSignature['outputs'];
  externalData: { file: string; tensors: number; bytes: number }[];
}

export interface ModelSignature {
  role: ModelRole;
  layout: string;
  entry?: string;
  onnx: Record<string, RecordedOnnx>;
  /** Per ONNX file: canonical tensor name → declared name (a classifier's input/output names live here). */
  io: Record<string, Record<string, string>>;
  files: FileHash[];
}

export interface ModelValidation {
  ok: boolean;
  layout: string;
  /** One line for lists: what was validated, or the problems. */
  summary: string;
  problems: ValidationProblem[];
}

export interface ImportProgress {
  phase: 'copy' | 'hash';
  file: string;
  bytesDone: number;
  bytesTotal: number;
}

export interface ImportOptions {
  role: ModelRole;
  /** The model folder (or a classifier's .onnx file). */
  source: string;
  /** Copy the model here (say <project>/models/<name>) and record the copy; otherwise the source is recorded in place. */
  copyTo?: string;
  /** The execution provider chosen for it, if already known. */
  provider?: string | null;
  onProgress?: (p: ImportProgress) => void;
  signal?: AbortSignal;
}

export interface ImportResult {
  record: ModelRecord;
  report: ValidationReport;
  files: FileHash[];
}


function toPosix(p: string): string {
  return p.split(sep).join('/');
}

/** The files an import records: those the role uses, plus every small configuration/text file of the folder. */
export function recordedFiles(report: ValidationReport): string[] {
  if (report.entry !== undefined) return [...report.files];
  const files = new Set(report.files);
  const walk = (dir: string) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.name.startsWith('.')) continue;
      const abs = join(dir, d.name);
      if (d.isDirectory()) walk(abs);
      // Weights the role does not load (other precisions, other frameworks) would only cost hashing time.
      else if (d.isFile() && !isWeightFile(d.name) && !d.name.endsWith('.partial')) files.add(toPosix(relative(report.root, abs)));
    }
  };
  walk(report.root);
  return [...files].sort();
}

async function copyInto(root: string, files: string[], dest: string, opts: ImportOptions): Promise<void> {
  const sizes = files.map((f) => statSync(join(root, f)).size);
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  let bytesDone = 0;
  for (const [i, file] of files.entries()) {
    opts.signal?.throwIfAborted();
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    await copyFile(join(root, file), join(dest, file));
    bytesDone += sizes[i]!;
    opts.onProgress?.({ phase: 'copy', file, bytesDone, bytesTotal });
  }
}

function recordOnnx(file: string, sig: OnnxSignature): RecordedOnnx {
  const externalData = [...externalDataNeeds(file, sig.externalData).values()].map((n) => ({ file: n.file, tensors: n.tensors, bytes: n.bytesNeeded }));
  return { irVersion: sig.irVersion, opset: sig.opset, inputs: sig.inputs, outputs: sig.outputs, externalData };
}

/**
 * Validates a model for a role (throwing ModelValidationError with the full report when it does not fit),
 * optionally copies it into the project, and hashes every recorded file: the returned record is what the
 * `models` table stores.
 */
export async function importModel(opts: ImportOptions): Promise<ImportResult> {
  const report = assertValidModel(opts.role, opts.source);
  const files = recordedFiles(report);
  let root = report.root;
  if (opts.copyTo !== undefined) {
    const dest = resolve(opts.copyTo);
    if (existsSync(dest)) throw new Error(`${dest} already exists; choose another name for the imported model`);
    // Copy beside the destination and rename at the end, so a cancelled or failed copy never looks imported.
    const staging = `${dest}.importing-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    try {
      await copyInto(root, files, staging, opts);
      renameSync(staging, dest);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      throw err;
    }
    root = dest;
  }
  const hashes = await hashFiles(root, files, {
    signal: opts.signal,
    onProgress: (p) => opts.onProgress?.({ phase: 'hash', ...p }),
  });
  const signature: ModelSignature = {
    role: opts.role,
    layout: report.layout,
    ...(report.entry !== undefined ? { entry: report.entry } : {}),
    onnx: Object.fromEntries(Object.entries(report.onnx).map(([f, s]) => [f, recordOnnx(f, s)])),
    io: report.io,
    files: hashes,
  };
  const onnxCount = Object.keys(report.onnx).length;
  const validation: ModelValidation = {
    ok: report.ok,
    layout: report.layout,
    summary: report.ok ? `valid ${opts.role} model (${report.layout}, ${onnxCount} ONNX file${onnxCount === 1 ? '' : 's'})` : report.problems.map((p) => p.message).join('; '),
    problems: report.problems,
  };
  const path = report.entry !== undefined ? join(root, report.entry) : root;
  return {
    record: {
      role: opts.role,
      path,
      sha256: combinedModelHash(hashes),
      signature_json: JSON.stringify(signature),
      validation_json: JSON.stringify(validation),
      provider: opts.provider ?? null,
    },
    report: { ...report, root },
    files: hashes,
  };
}
