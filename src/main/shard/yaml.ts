type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

/** Plain keys stay bare; every string value is written double-quoted (JSON escapes are valid YAML), so no value is ever read back as a number or a boolean. */
const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_./-]*$/.test(k) ? k : JSON.stringify(k));
const scalar = (v: string | number | boolean | null) => JSON.stringify(v);
const isBlock = (v: Yaml): v is Yaml[] | { [key: string]: Yaml } => v !== null && typeof v === 'object' && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
const empty = (v: Yaml) => (Array.isArray(v) ? '[]' : '{}');

function lines(v: Yaml, indent: string): string[] {
  if (Array.isArray(v)) {
    return v.flatMap((item) => {
      if (!isBlock(item)) return [`${indent}- ${item !== null && typeof item === 'object' ? empty(item) : scalar(item)}`];
      const [first, ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first!.trimStart()}`, ...rest];
    });
  }
  if (v !== null && typeof v === 'object') {
    return Object.entries(v).flatMap(([k, item]) => {
      if (isBlock(item)) return [`${indent}${key(k)}:`, ...lines(item, `${indent}  `)];
      return [`${indent}${key(k)}: ${item !== null && typeof item === 'object' ? empty(item) : scalar(item)}`];
    });
  }
  return [`${indent}${scalar(v)}`];
}

/** Block-style YAML for a manifest a person reads and kubectl applies; no YAML library needed for so little. */
export function toYaml(v: Yaml): string {
  return lines(v, '').join('\n') + '\n';
}

export type { Yaml };
