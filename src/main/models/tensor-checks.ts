import type { OnnxRule, TensorRule, TensorSignature, ValidationProblem } from './contract-types';

type Kind = 'input' | 'output';

/** The key a matched tensor is recorded under: its canonical name, or "input"/"output" for any-name rules. */
export function canonicalName(rule: TensorRule, kind: Kind): string {
  return rule.names[0] ?? kind;
}

function list(names: readonly string[]): string {
  return names.length ? names.map((n) => `'${n}'`).join(', ') : 'none';
}

function describeShape(shape: TensorSignature['shape']): string {
  return shape ? `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]` : 'unknown';
}

/** Checks one tensor against its rule: element type, rank, and the static sizes the rule fixes. */
function checkTensor(file: string, kind: Kind, rule: TensorRule, t: TensorSignature): ValidationProblem[] {
  const subject = `${kind} '${t.name}'`;
  const out: ValidationProblem[] = [];
  if (!rule.dtypes.includes(t.dtype)) {
    const expected = rule.dtypes.join(' or ');
    out.push({ code: 'wrong-dtype', file, subject, expected, found: t.dtype, message: `${file}: ${subject} is ${t.dtype}, expected ${expected}` });
  }
  // A model that declares no shape cannot be checked further here; onnxruntime will check at run time.
  if (!t.shape) return out;
  if (!rule.ranks.includes(t.shape.length)) {
    const expected = rule.ranks.map((r) => `rank ${r}`).join(' or ');
    out.push({
      code: 'wrong-rank',
      file,
      subject,
      expected,
      found: `rank ${t.shape.length} ${describeShape(t.shape)}`,
      message: `${file}: ${subject} has rank ${t.shape.length} ${describeShape(t.shape)}, expected ${expected}`,
    });
    return out;
  }
  for (const dim of rule.dims ?? []) {
    if (dim.onlyFor !== undefined && dim.onlyFor !== t.name) continue;
    const size = t.shape[dim.axis];
    if (typeof size !== 'number' || dim.sizes.includes(size)) continue;
    const expected = dim.sizes.join(' or ');
    const why = dim.why ? ` (${dim.why})` : '';
    out.push({
      code: 'wrong-dim',
      file,
      subject,
      expected: `${expected} ${dim.meaning}`,
      found: `${size} ${dim.meaning}`,
      message: `${file}: ${subject} has ${size} ${dim.meaning} (axis ${dim.axis} of ${describeShape(t.shape)}), expected ${expected}${why}`,
    });
  }
  return out;
}

function matchTensors(
  file: string,
  kind: Kind,
  rules: TensorRule[],
  declared: TensorSignature[],
  single: boolean,
  matched: Record<string, TensorSignature>,
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const plural = `${kind}s`;
  if (single && declared.length !== 1) {
    problems.push({
      code: 'wrong-count',
      file,
      subject: plural,
      expected: `exactly one ${kind}`,
      found: `${declared.length} (${list(declared.map((d) => d.name))})`,
      message: `${file}: has ${declared.length} ${plural} (${list(declared.map((d) => d.name))}), expected exactly one`,
    });
    if (declared.length === 0) return problems;
  }
  for (const rule of rules) {
    const t = rule.names.length === 0 ? declared[0] : rule.names.map((n) => declared.find((d) => d.name === n)).find((d) => d !== undefined);
    if (!t) {
      if (rule.optional) continue;
      const wanted = rule.names.length > 1 ? `any of ${list(rule.names)}` : list(rule.names);
      problems.push({
        code: kind === 'input' ? 'missing-input' : 'missing-output',
        file,
        subject: `${kind} ${list(rule.names)}`,
        expected: wanted,
        found: list(declared.map((d) => d.name)),
        message: `${file}: has no ${kind} ${wanted} (its ${plural}: ${list(declared.map((d) => d.name))})`,
      });
      continue;
    }
    matched[canonicalName(rule, kind)] = t;
    problems.push(...checkTensor(file, kind, rule, t));
  }
  return problems;
}

/** Checks a file's declared inputs and outputs against its rule; fills `matched` with what was found. */
export function checkOnnxTensors(rule: OnnxRule, inputs: TensorSignature[], outputs: TensorSignature[], matched: Record<string, TensorSignature>): ValidationProblem[] {
  const problems = [
    ...matchTensors(rule.file, 'input', rule.inputs, inputs, rule.single ?? false, matched),
    ...matchTensors(rule.file, 'output', rule.outputs, outputs, rule.single ?? false, matched),
  ];
  if (rule.otherInputs === 'refused' && !rule.single) {
    const known = new Set(rule.inputs.flatMap((r) => r.names));
    for (const input of inputs) {
      if (known.has(input.name)) continue;
      problems.push({
        code: 'unexpected-input',
        file: rule.file,
        subject: `input '${input.name}'`,
        expected: `only ${list([...known])}`,
        found: `'${input.name}'`,
        message: `${rule.file}: input '${input.name}' is not one this studio feeds (it feeds ${list([...known])}), so the model could not run`,
      });
    }
  }
  return problems;
}
