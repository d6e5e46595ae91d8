import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { FileRule, Layout, LayoutContext, MatchedTensors, ModelRole, OnnxRule, OnnxSignature, ValidationProblem } from './contract-types';
import { ONNX_DTYPES, presentVariants, variantFile, type OnnxDtype } from './dtype-variants';
import { ROLE_CONTRACTS } from './contracts';
import { checkExternalData, externalDataNeeds } from './external-data';
import { readOnnxFile } from './read-onnx-file';
import { checkOnnxTensors } from './tensor-checks';

/** What a model folder was found to be: the layout matched, every problem, and each ONNX file's signature. */
export interface ValidationReport {
  role: ModelRole;
  /** The model folder (for a single-file classifier: the file's folder). */
  root: string;
  /** For a single-file classifier given as a file: that file, relative to root. */
  entry?: string;
  layout: string;
  ok: boolean;
  problems: ValidationProblem[];
  /** Signatures of the ONNX files that could be read, by path relative to root. */
  onnx: Record<string, OnnxSignature>;
  /** For each ONNX file: canonical tensor name → the name the model declares (a classifier's input and output). */
  io: Record<string, Record<string, string>>;
  /** Every file the role uses, relative to root, ONNX and external data included: what an import hashes. */
  files: string[];
}

/** A model folder refused before any job starts; `report` says exactly what is wrong. */
export class ModelValidationError extends Error {
  constructor(readonly report: ValidationReport) {
    const lines = report.problems.map((p) => `  - ${p.message}`);
    super(`${report.root} is not a usable ${report.role} model (${report.problems.length} problem(s)):\n${lines.join('\n')}`);
    this.name = 'ModelValidationError';
  }
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

function layoutContext(root: string, entry: string | undefined): LayoutContext {
  const cache = new Map<string, unknown>();
  return {
    root,
    entry,
    exists: (rel) => existsSync(join(root, rel)),
    readJson: (rel) => {
      if (!cache.has(rel)) {
        let value: unknown;
        try {
          value = JSON.parse(readFileSync(join(root, rel), 'utf8'));
        } catch {
          value = undefined;
        }
        cache.set(rel, value);
      }
      return cache.get(rel);
    },
  };
}

/** The first layout whose ONNX files are all present, else the one with most of them (ties: the preferred). */
export function chooseLayout(layouts: Layout[], ctx: LayoutContext): Layout {
  let best = layouts[0]!;
  let bestCount = -1;
  for (const layout of layouts) {
    const present = layout.onnx.filter((o) => (o.variants ? presentVariants(o.file, ctx.exists).length > 0 : ctx.exists(o.file))).length;
    if (present === layout.onnx.length) return layout;
    if (present > bestCount) {
      best = layout;
      bestCount = present;
    }
  }
  return best;
}

/** `.partial` files are downloads that stopped: the model next to them is incomplete or missing. */
function partialDownloads(root: string, entry: string | undefined): string[] {
  if (entry !== undefined) return existsSync(join(root, `${entry}.partial`)) ? [`${entry}.partial`] : [];
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      if (d.isDirectory() && depth < 4) walk(join(dir, d.name), depth + 1);
      else if (d.isFile() && d.name.endsWith('.partial')) found.push(toPosix(relative(root, join(dir, d.name))));
    }
  };
  walk(root, 0);
  return found;
}

/** A path that exists but is not a regular file (a folder where a file should be): one problem naming it. */
export function notAFileProblem(root: string, rel: string, what: string): ValidationProblem | undefined {
  const st = statSync(join(root, rel), { throwIfNoEntry: false });
  if (!st || st.isFile()) return undefined;
  const found = st.isDirectory() ? 'a folder' : 'not a regular file';
  return { code: 'not-a-file', file: rel, expected: `a file: ${what}`, found, message: `${rel} is ${found}, not a file: ${what} should be a file at ${join(root, rel)}` };
}

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

/** A JSON file must parse, be an object (every configuration file is), and carry the fields its rule names. */
function checkJson(root: string, file: string, rule: FileRule): ValidationProblem[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(root, file), 'utf8'));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return [{ code: 'bad-json', file, expected: 'valid JSON', found: why, message: `${file} is not valid JSON (${why}); a download that did not finish? Get it again` }];
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const found = jsonType(value);
    return [{ code: 'bad-json', file, expected: 'a JSON object', found, message: `${file} holds ${found}, not a JSON object: it is not ${rule.what}` }];
  }
  const problems: ValidationProblem[] = [];
  for (const field of rule.fields ?? []) {
    const v = (value as Record<string, unknown>)[field.name];
    const ok = field.type === 'object' ? v !== null && typeof v === 'object' && !Array.isArray(v) : typeof v === field.type;
    if (ok) continue;
    const found = v === undefined ? 'no such field' : jsonType(v);
    problems.push({
      code: 'missing-field',
      file,
      subject: `field ${field.name}`,
      expected: `${field.type === 'object' ? 'an object' : `a ${field.type}`}: ${field.what}`,
      found,
      message: `${file}: field ${field.name} ${v === undefined ? 'is missing' : `is ${found}, expected ${field.type === 'object' ? 'an object' : `a ${field.type}`}`}; it should hold ${field.what} (a truncated or hand-edited file? Get it again)`,
    });
  }
  return problems;
}

function checkFileRule(root: string, rule: FileRule): { problems: ValidationProblem[]; file?: string } {
  const file = rule.anyOf.find((f) => existsSync(join(root, f)));
  if (!file) {
    const want = rule.anyOf[0]!;
    const alternatives = rule.anyOf.length > 1 ? ` (or ${rule.anyOf.slice(1).join(', ')})` : '';
    const hint = rule.hint ? `; ${rule.hint}` : '';
    return {
      problems: [
        { code: 'missing-file', file: want, expected: rule.what, found: 'no file', message: `${want} is missing: ${rule.what}${alternatives} should be at ${join(root, want)}${hint}` },
      ],
    };
  }
  const notFile = notAFileProblem(root, file, rule.what);
  if (notFile) return { file, problems: [notFile] };
  return { file, problems: rule.json ? checkJson(root, file, rule) : [] };
}

function alternativesHint(layouts: Layout[], chosen: Layout): string {
  const others = layouts.filter((l) => l !== chosen);
  if (others.length === 0) return '';
  return ` (or, for ${others.map((l) => `${l.description}: ${l.onnx.map((o) => o.file).join(' + ')}`).join('; ')})`;
}

function resolveTarget(role: ModelRole, path: string): { root: string; entry?: string } {
  const abs = resolve(path);
  if (role === 'classifier' && existsSync(abs) && statSync(abs).isFile()) return { root: dirname(abs), entry: basename(abs) };
  return { root: abs };
}

/**
 * Checks a model folder (or, for the classifier, a single .onnx file) against its role's contract without
 * running anything: every required file, each ONNX file's declared inputs and outputs, and its external data.
 */
export function validateModel(role: ModelRole, path: string): ValidationReport {
  const { root, entry } = resolveTarget(role, path);
  const report: ValidationReport = { role, root, entry, layout: '', ok: false, problems: [], onnx: {}, io: {}, files: [] };
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    report.problems.push({ code: 'missing-file', file: '.', expected: 'a model folder', found: 'nothing', message: `${root} does not exist or is not a folder` });
    return report;
  }
  const ctx = layoutContext(root, entry);
  const layouts = ROLE_CONTRACTS[role].layouts(ctx);
  const layout = chooseLayout(layouts, ctx);
  report.layout = layout.id;
  const problems = report.problems;

  for (const partial of partialDownloads(root, entry)) {
    const target = partial.slice(0, -'.partial'.length);
    problems.push({
      code: 'partial-download',
      file: partial,
      expected: target,
      found: 'an unfinished download',
      message: `${partial}: the download of ${target} did not finish; run the download again to resume it (or delete ${partial})`,
    });
  }
  problems.push(...(layout.configProblems ?? []));
  for (const rule of layout.files) {
    const r = checkFileRule(root, rule);
    problems.push(...r.problems);
    if (r.file) report.files.push(r.file);
  }

  // Each ONNX rule's present files: the file itself, or every transformers.js precision variant there is.
  const matched: MatchedTensors = {};
  const filesOf = new Map<OnnxRule, { file: string; dtype: OnnxDtype }[]>();
  for (const rule of layout.onnx) {
    const candidates = rule.variants ? presentVariants(rule.file, ctx.exists).map((dtype) => ({ file: variantFile(rule.file, dtype), dtype })) : [];
    const present = rule.variants ? candidates : ctx.exists(rule.file) ? [{ file: rule.file, dtype: 'fp32' as OnnxDtype }] : [];
    if (present.length === 0) {
      const variants = rule.variants ? ` (nor any transformers.js precision variant of it: ${ONNX_DTYPES.filter((d) => d !== 'fp32').map((d) => variantFile(rule.file, d).split('/').pop()).join(', ')})` : '';
      problems.push({
        code: 'missing-file',
        file: rule.file,
        expected: rule.what,
        found: 'no file',
        message: `${rule.file} is missing${variants}: ${rule.what} should be at ${join(root, rule.file)}${alternativesHint(layouts, layout)}`,
      });
      continue;
    }
    const checked: { file: string; dtype: OnnxDtype }[] = [];
    for (const { file, dtype } of present) {
      report.files.push(file);
      const notFile = notAFileProblem(root, file, rule.what);
      if (notFile) {
        problems.push(notFile);
        continue;
      }
      const read = readOnnxFile(join(root, file), file);
      if ('problem' in read) {
        problems.push(read.problem);
        continue;
      }
      const sig = read.signature;
      report.onnx[file] = sig;
      matched[file] = {};
      problems.push(...checkOnnxTensors({ ...rule, file }, sig.inputs, sig.outputs, matched[file]!));
      problems.push(...checkExternalData(root, file, sig.externalData));
      for (const need of externalDataNeeds(file, sig.externalData).keys()) if (!report.files.includes(need)) report.files.push(need);
      checked.push({ file, dtype });
    }
    filesOf.set(rule, checked);
  }
  // The cross-file checks name the canonical files; they run once per precision present, each variant standing in
  // for its canonical file (a q4 decoder must keep its KV cache like the fp32 one), the preferred variant for parts
  // that lack that precision. A problem found in several runs is reported once.
  const dtypes = [...new Set([...filesOf.values()].flatMap((fs) => fs.map((f) => f.dtype)))];
  const seen = new Set(problems.map((p) => p.message));
  for (const dtype of dtypes.length > 0 ? dtypes : ['fp32' as OnnxDtype]) {
    const viewMatched: MatchedTensors = { ...matched };
    const viewOnnx: Record<string, OnnxSignature> = { ...report.onnx };
    const standIns: [canonical: string, actual: string][] = [];
    for (const [rule, fs] of filesOf) {
      const stand = fs.find((f) => f.dtype === dtype) ?? fs[0];
      if (!stand || stand.file === rule.file) continue;
      standIns.push([rule.file, stand.file]);
      if (matched[stand.file]) viewMatched[rule.file] = matched[stand.file]!;
      if (report.onnx[stand.file]) viewOnnx[rule.file] = report.onnx[stand.file]!;
    }
    const found = [...(layout.crossCheck?.(viewMatched) ?? []), ...(layout.signatureCheck?.(viewOnnx, ctx) ?? [])];
    for (const p of found) {
      const named = namingStandIns(p, standIns);
      if (seen.has(named.message)) continue;
      seen.add(named.message);
      problems.push(named);
    }
  }

  for (const [file, tensors] of Object.entries(matched)) {
    report.io[file] = Object.fromEntries(Object.entries(tensors).map(([canonical, t]) => [canonical, t.name]));
  }
  report.ok = problems.length === 0;
  return report;
}

/** A cross-file problem found while variants stood in for their canonical files names the variants instead. */
function namingStandIns(p: ValidationProblem, standIns: [canonical: string, actual: string][]): ValidationProblem {
  let { file, message } = p;
  for (const [canonical, actual] of standIns) {
    if (file === canonical) file = actual;
    message = message.replaceAll(canonical, actual);
  }
  return { ...p, file, message };
}

/** validateModel, throwing ModelValidationError (carrying the report) when anything is wrong. */
export function assertValidModel(role: ModelRole, path: string): ValidationReport {
  const report = validateModel(role, path);
  if (!report.ok) throw new ModelValidationError(report);
  return report;
}
