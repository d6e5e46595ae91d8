import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { ValidationProblem } from './contract-types';
import type { ExternalDataRef } from './onnx-signature';

/** The external files one ONNX file reads, and how many bytes of each it needs. */
export interface ExternalDataNeed {
  /** Relative to the model folder. */
  file: string;
  tensors: number;
  /** Highest offset + length read from it. */
  bytesNeeded: number;
  /** The tensor reading furthest, for messages. */
  furthestTensor: string;
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

/** Groups an ONNX file's external references by data file; locations are relative to the ONNX file's folder. */
export function externalDataNeeds(onnxRel: string, refs: ExternalDataRef[]): Map<string, ExternalDataNeed> {
  const needs = new Map<string, ExternalDataNeed>();
  for (const ref of refs) {
    const rel = isAbsolute(ref.location) ? ref.location : toPosix(join(dirname(onnxRel), ref.location));
    const end = ref.offset + (ref.length ?? 0);
    const need = needs.get(rel) ?? { file: rel, tensors: 0, bytesNeeded: 0, furthestTensor: ref.tensor };
    need.tensors++;
    if (end >= need.bytesNeeded) {
      need.bytesNeeded = end;
      need.furthestTensor = ref.tensor;
    }
    needs.set(rel, need);
  }
  return needs;
}

/** Each external data file must exist inside the model folder and be long enough for every tensor read from it. */
export function checkExternalData(root: string, onnxRel: string, refs: ExternalDataRef[]): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const need of externalDataNeeds(onnxRel, refs).values()) {
    const abs = isAbsolute(need.file) ? need.file : join(root, need.file);
    const inside = relative(root, abs);
    if (isAbsolute(need.file) || inside.startsWith('..')) {
      // onnxruntime refuses external data outside the model's folder, and an import must stay self-contained.
      problems.push({
        code: 'external-data-outside',
        file: onnxRel,
        subject: `external data '${need.file}'`,
        expected: 'a file inside the model folder',
        found: need.file,
        message: `${onnxRel}: its weights point to '${need.file}', outside the model folder; external data must sit next to the model`,
      });
      continue;
    }
    if (!existsSync(abs)) {
      problems.push({
        code: 'missing-external-data',
        file: need.file,
        subject: 'external data',
        expected: `${need.bytesNeeded} bytes`,
        found: 'no file',
        message: `${need.file} is missing: ${onnxRel} keeps ${need.tensors} weight tensor(s) there (${need.bytesNeeded} bytes); put it at ${abs}`,
      });
      continue;
    }
    const st = statSync(abs);
    if (!st.isFile()) {
      problems.push({
        code: 'not-a-file',
        file: need.file,
        subject: 'external data',
        expected: `a file of ${need.bytesNeeded} bytes`,
        found: st.isDirectory() ? 'a folder' : 'not a regular file',
        message: `${need.file} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}, not a file: ${onnxRel} keeps ${need.tensors} weight tensor(s) there (${need.bytesNeeded} bytes)`,
      });
      continue;
    }
    const size = st.size;
    if (size < need.bytesNeeded) {
      problems.push({
        code: 'short-external-data',
        file: need.file,
        subject: `tensor '${need.furthestTensor}' (external data)`,
        expected: `at least ${need.bytesNeeded} bytes`,
        found: `${size} bytes`,
        message: `${need.file} is ${size} bytes, but ${onnxRel} reads tensor '${need.furthestTensor}' up to byte ${need.bytesNeeded}: the file is truncated (a download or copy that did not finish); get it again`,
      });
    }
  }
  return problems;
}
