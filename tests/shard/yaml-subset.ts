/**
 * Reads the small block-style YAML subset a Kubernetes manifest needs (maps, lists, quoted or plain scalars, `[]`
 * and `{}`), independently of the writer, so a test can check the structure a YAML reader would see.
 */
type Value = unknown;

interface Line {
  indent: number;
  text: string;
}

function scalar(s: string): Value {
  const t = s.trim();
  if (t.startsWith('"')) return JSON.parse(t) as string;
  if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  if (t === '[]') return [];
  if (t === '{}') return {};
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null' || t === '~') return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

/** Splits `key: value` at the first ': ' outside quotes (keys may be quoted). */
function splitKey(text: string): [string, string] | null {
  const m = /^("(?:[^"\\]|\\.)*"|[^\s"':][^:]*?):(?:\s+(.*))?$/.exec(text);
  if (!m) return null;
  const key = m[1]!.startsWith('"') ? (JSON.parse(m[1]!) as string) : m[1]!;
  return [key, m[2] ?? ''];
}

function parseBlock(lines: Line[], start: number, indent: number): [Value, number] {
  const first = lines[start]!;
  if (first.text.startsWith('- ') || first.text === '-') {
    const list: Value[] = [];
    let i = start;
    while (i < lines.length && lines[i]!.indent === indent && lines[i]!.text.startsWith('-')) {
      const rest = lines[i]!.text.slice(1).trimStart();
      const kv = splitKey(rest);
      if (kv && !rest.startsWith('"')) {
        // "- key: v" opens a map whose further keys sit two columns deeper.
        const sub: Line[] = [{ indent: indent + 2, text: rest }];
        let j = i + 1;
        while (j < lines.length && lines[j]!.indent > indent) sub.push(lines[j++]!);
        list.push(parseBlock(sub, 0, indent + 2)[0]);
        i = j;
      } else {
        list.push(scalar(rest));
        i++;
      }
    }
    return [list, i];
  }
  const map: Record<string, Value> = {};
  let i = start;
  while (i < lines.length && lines[i]!.indent === indent) {
    const kv = splitKey(lines[i]!.text);
    if (!kv) throw new Error(`not a YAML map entry: '${lines[i]!.text}'`);
    const [k, v] = kv;
    if (v !== '') {
      map[k] = scalar(v);
      i++;
      continue;
    }
    const next = lines[i + 1];
    if (!next || next.indent < indent || (next.indent === indent && !next.text.startsWith('-'))) {
      map[k] = null;
      i++;
      continue;
    }
    const [child, end] = parseBlock(lines, i + 1, next.indent);
    map[k] = child;
    i = end;
  }
  return [map, i];
}

export function parseYamlSubset(text: string): Value {
  const lines = text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'))
    .map((l) => ({ indent: l.length - l.trimStart().length, text: l.trim() }));
  const [value, end] = parseBlock(lines, 0, 0);
  if (end !== lines.length) throw new Error(`unparsed YAML from line ${end + 1}: '${lines[end]!.text}'`);
  return value;
}
