import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Candidate, PartOfSpeech } from '../../ood';

/**
 * Word lists for negative-label mining (docs/METHOD.md §4): a file used as the candidate pool instead of WordNet,
 * or as a fixed selection (e.g. NegLabel's published selected_neg_labels_in1k_10k.txt).
 *
 * Format, one label per line:
 * - UTF-8, strictly: bytes that are not UTF-8 are refused with their line. A leading byte-order mark is dropped,
 *   a '\r' before the newline is dropped (Windows files).
 * - Each line is trimmed, and runs of spaces inside a label become one space.
 * - Optional second column after a tab: `noun` or `adj` (any case). Plain lines are nouns, prompted with the
 *   noun templates ('the nice {}'); `adj` lines get the adjective templates ('This is a {} photo'). NegLabel's
 *   published list is plain words, so read as given every entry of it is a noun.
 * - No empty lines, except that the file may end with one newline.
 * - No duplicates: labels are compared case-insensitively (CLIP's tokenizer lower-cases text, so 'Cat' and 'cat'
 *   are the same prompt), with '_' read as a space and runs of spaces as one, across both parts of speech (as
 *   NegLabel de-duplicates over its noun and adjective files). Both line numbers are named.
 * - No label may equal an InD class name of the project (compared the same way): a negative label that is an
 *   InD class would score InD images as OOD.
 * - In a fixed list every noun comes before every adjective: every stage reads the selected labels as nouns,
 *   then adjectives (NegLabel's order, which fixes the grouping), so only such a list can be used in its own order.
 * Every problem is collected (up to MAX_PROBLEMS) and reported together, with the file and its line numbers.
 */

export interface WordListEntry extends Candidate {
  /** 1-based line of the file. */
  line: number;
}

export interface WordList {
  path: string;
  /** Of the file's bytes, so a job can tell the list changed after it was queued. */
  sha256: string;
  entries: WordListEntry[];
}

export interface WordListProblem {
  line: number | null;
  message: string;
}

/** The list was refused: nothing may be written. The message names the file and every problem's line. */
export class WordListError extends Error {
  constructor(
    readonly file: string,
    readonly problems: WordListProblem[],
    readonly kind: 'invalid' | 'missing' = 'invalid',
  ) {
    super(
      problems.length === 1 && problems[0]!.line === null
        ? `word list ${file}: ${problems[0]!.message}`
        : `word list ${file} refused:\n${problems.map((p) => `  ${p.line === null ? '' : `line ${p.line}: `}${p.message}`).join('\n')}`,
    );
    this.name = 'WordListError';
  }
}

/** Problems reported at most; more are summarised as a count (a wrong file can have thousands). */
export const MAX_PROBLEMS = 20;
/** Far above any vocabulary (WordNet's every lemma is ~2 MB); a bigger file is almost surely the wrong one. */
export const MAX_WORD_LIST_BYTES = 32 * 1024 * 1024;

/** The comparison key of a label or class name: lower case, '_' as space, one space between words. */
export function labelKey(s: string): string {
  return s.normalize('NFC').toLowerCase().replace(/_/g, ' ').replace(/\s+/g, ' ').trim();
}

const quote = (s: string) => JSON.stringify(s);

export interface WordListOptions {
  /** The project's InD class names: a label equal to one is refused. */
  classNames: readonly string[];
  /** 'fixed' additionally requires nouns before adjectives (see above). */
  mode: 'pool' | 'fixed';
}

/** Reads and validates a word list file; throws WordListError (naming the file and lines) when it is refused. */
export function readWordList(file: string, opts: WordListOptions): WordList {
  let bytes: Buffer;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new WordListError(file, [{ line: null, message: 'is not a file' }]);
    if (st.size > MAX_WORD_LIST_BYTES) throw new WordListError(file, [{ line: null, message: `is ${st.size.toLocaleString('en-US')} bytes; a word list may have at most ${MAX_WORD_LIST_BYTES.toLocaleString('en-US')}` }]);
    bytes = readFileSync(file);
  } catch (e) {
    if (e instanceof WordListError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WordListError(file, [{ line: null, message: 'no such file' }], 'missing');
    throw new WordListError(file, [{ line: null, message: `cannot be read (${(e as Error).message})` }]);
  }
  return parseWordList(bytes, file, opts);
}

/** parseWordList on bytes already read: `file` only names the list in messages. */
export function parseWordList(bytes: Uint8Array, file: string, opts: WordListOptions): WordList {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const problems: WordListProblem[] = [];
  let dropped = 0;
  const problem = (line: number, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ line, message });
    else dropped++;
  };
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  if (start === bytes.length) throw new WordListError(file, [{ line: null, message: 'is empty: it has no labels' }]);

  // Byte lines first: a bad byte is then reported with its own line number, and only that line is lost.
  const lines: { line: number; bytes: Uint8Array }[] = [];
  let from = start;
  for (let i = start; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      let end = i;
      if (end > from && bytes[end - 1] === 0x0d) end--;
      lines.push({ line: lines.length + 1, bytes: bytes.subarray(from, end) });
      from = i + 1;
    }
  }
  // A final newline leaves one empty piece after it: that is the end of the file, not an empty line.
  if (lines.length > 1 && lines[lines.length - 1]!.bytes.length === 0 && bytes[bytes.length - 1] === 0x0a) lines.pop();

  const classes = new Map<string, string>();
  for (const c of opts.classNames) if (!classes.has(labelKey(c))) classes.set(labelKey(c), c);
  const seen = new Map<string, { line: number; word: string }>();
  const entries: WordListEntry[] = [];
  for (const l of lines) {
    let text: string;
    try {
      text = decoder.decode(l.bytes);
    } catch {
      const at = firstInvalidUtf8(l.bytes);
      problem(l.line, `not valid UTF-8 (byte 0x${l.bytes[at]!.toString(16).padStart(2, '0')} at byte ${at + 1} of the line); save the list as UTF-8`);
      continue;
    }
    const trimmed = text.trim();
    if (trimmed === '') {
      problem(l.line, 'empty line (only a single newline at the very end of the file is allowed)');
      continue;
    }
    const cols = trimmed.split('\t');
    if (cols.length > 2) {
      problem(l.line, `${cols.length} tab-separated columns; a line is a label, optionally followed by a tab and noun or adj`);
      continue;
    }
    const word = cols[0]!.trim().replace(/\s+/g, ' ');
    let pos: PartOfSpeech = 'noun';
    if (cols.length === 2) {
      const tag = cols[1]!.trim().toLowerCase();
      if (tag !== 'noun' && tag !== 'adj') {
        problem(l.line, `part of speech ${quote(cols[1]!.trim())}; write noun or adj after the tab`);
        continue;
      }
      pos = tag;
    }
    if (word === '') {
      problem(l.line, 'no label before the tab');
      continue;
    }
    if (/\p{Cc}/u.test(word)) {
      problem(l.line, `label ${quote(word)} contains a control character`);
      continue;
    }
    const key = labelKey(word);
    const cls = classes.get(key);
    if (cls !== undefined) {
      problem(l.line, `label ${quote(word)} is the InD class ${quote(cls)}; a negative label must not name an InD class`);
      continue;
    }
    const first = seen.get(key);
    if (first) {
      problem(l.line, `label ${quote(word)} repeats line ${first.line} (${quote(first.word)}); labels are compared ignoring case`);
      continue;
    }
    seen.set(key, { line: l.line, word });
    entries.push({ word, pos, line: l.line });
  }
  if (opts.mode === 'fixed') {
    const firstAdj = entries.find((e) => e.pos === 'adj');
    const lateNoun = firstAdj && entries.find((e) => e.pos === 'noun' && e.line > firstAdj.line);
    if (firstAdj && lateNoun) {
      problem(lateNoun.line, `noun ${quote(lateNoun.word)} comes after the adjective on line ${firstAdj.line}; a fixed list keeps its order, and every stage reads nouns before adjectives, so list all nouns first`);
    }
  }
  if (dropped > 0) problems.push({ line: null, message: `… and ${dropped} more problem${dropped === 1 ? '' : 's'}` });
  if (problems.length === 0 && entries.length === 0) problems.push({ line: null, message: 'has no labels' });
  if (problems.length > 0) throw new WordListError(file, problems);
  return { path: file, sha256, entries };
}

/** Index of the first byte that breaks UTF-8 (lead byte, continuation, overlong form, surrogate, > U+10FFFF). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    let n: number;
    let min: number;
    if (c < 0x80) {
      i++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) [n, min] = [1, 0x80];
    else if (c >= 0xe0 && c <= 0xef) [n, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [n, min] = [3, 0x10000];
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}

/** The list's entries as mining candidates, in file order (the job's item layout). */
export function wordListCandidates(list: WordList): Candidate[] {
  return list.entries.map(({ word, pos }) => ({ word, pos }));
}

export function wordListCounts(list: WordList): { labels: number; nouns: number; adjectives: number } {
  const nouns = list.entries.filter((e) => e.pos === 'noun').length;
  return { labels: list.entries.length, nouns, adjectives: list.entries.length - nouns };
}
