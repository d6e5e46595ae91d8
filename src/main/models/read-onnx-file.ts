import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { ValidationProblem } from './contract-types';
import { OnnxNoGraphError, readOnnxSignature, type OnnxSignature } from './onnx-signature';
import { ProtoFormatError, ProtoTruncatedError } from './proto-reader';

const LFS_POINTER = 'version https://git-lfs.github.com/spec/';

function head(path: string, n: number): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0)).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** Reads an ONNX file's signature, or says in one problem why it cannot be read (truncated, a Git LFS pointer, not ONNX). */
export function readOnnxFile(abs: string, rel: string): { signature: OnnxSignature } | { problem: ValidationProblem } {
  // An empty file is a download or copy that never wrote a byte: say so, rather than "has no graph".
  if (statSync(abs).size === 0) {
    return {
      problem: {
        code: 'truncated-onnx',
        file: rel,
        expected: 'an ONNX model',
        found: '0 bytes',
        message: `${rel} is empty (0 bytes): a download or copy that did not finish; get it again`,
      },
    };
  }
  // A repository cloned without git-lfs leaves 130-byte text pointers where the weights should be.
  if (head(abs, LFS_POINTER.length) === LFS_POINTER) {
    return {
      problem: {
        code: 'lfs-pointer',
        file: rel,
        expected: 'an ONNX model',
        found: 'a Git LFS pointer',
        message: `${rel} is a Git LFS pointer, not the model: the repository was cloned without git-lfs; run 'git lfs pull' there or download the file itself`,
      },
    };
  }
  try {
    return { signature: readOnnxSignature(abs) };
  } catch (err) {
    if (err instanceof ProtoTruncatedError) {
      return {
        problem: {
          code: 'truncated-onnx',
          file: rel,
          expected: `at least ${err.needed} bytes`,
          found: `${err.size} bytes`,
          message: `${rel} is truncated: the file ${err.message} (a download or copy that did not finish); get it again`,
        },
      };
    }
    if (err instanceof ProtoFormatError || err instanceof OnnxNoGraphError) {
      return { problem: { code: 'unreadable-onnx', file: rel, expected: 'an ONNX model', found: err.message, message: `${rel} ${err instanceof OnnxNoGraphError ? err.message : `is ${err.message}`}` } };
    }
    throw err;
  }
}
