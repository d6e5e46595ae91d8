import { readFileSync } from 'node:fs';

// Plain decimal numbers only: Number() alone would also take '', '0x1f', 'Infinity' and ' '.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads one score per line (higher = more InD). Blank lines are skipped; anything else that is not a
 * finite decimal number fails with the file name and 1-based line number.
 */
export function readScoreFile(path: string): Float64Array {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const out = new Float64Array(lines.length);
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!.trim();
    if (text === '') continue;
    const v = Number(text);
    if (!DECIMAL.test(text) || !Number.isFinite(v)) {
      throw new Error(`${path}:${i + 1}: not a finite number: ${JSON.stringify(lines[i]!.slice(0, 80))}`);
    }
    out[n++] = v;
  }
  if (n === 0) throw new Error(`${path}: no scores found`);
  return out.slice(0, n);
}
