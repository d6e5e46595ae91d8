import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * src/main/store/ owns every SQL statement: other code calls its typed functions. This test parses every .ts/.tsx
 * file under src/ outside src/main/store/ and names each file:line that still holds SQL:
 * - a string or template literal that reads as an SQL statement (SELECT … FROM, INSERT INTO, UPDATE … SET,
 *   DELETE FROM, CREATE/ALTER/DROP, REPLACE INTO, PRAGMA, ANALYZE, VACUUM; upper case, as this codebase writes SQL);
 * - a `.pragma(…)` call (only a database has one);
 * - a `.prepare(…)` or `.exec(…)` call whose first argument is a literal or names SQL (`sql`, `…Sql`). Job handlers'
 *   own `prepare(ctx, params)` and RegExp `.exec(text)` do not match.
 * `db.transaction(fn)` stays allowed outside the store: a caller groups store calls into one commit that way.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const STORE = 'src/main/store/';

const SQL_STATEMENT =
  /\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(?:OR\s+[A-Z]+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b|\b(?:CREATE|DROP)\s+(?:TABLE|INDEX|TRIGGER|VIEW)\b|\bALTER\s+TABLE\b|\bREPLACE\s+INTO\b|^\s*(?:PRAGMA|ANALYZE|VACUUM)\b/;


interface Hit {
  file: string;
  line: number;
  what: string;
  /** For an SQL literal: the table it writes, or the outermost FROM of a query (subqueries do not count). */
  table: string | null;
}

function mainTable(sql: string): string | null {
  const write = /\b(?:INSERT\s+(?:OR\s+[A-Z]+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)/.exec(sql);
  if (write) return write[1]!;
  let outer = sql;
  // Drop parenthesised groups, innermost first, until only the outermost query is left.
  for (let prev = ''; prev !== outer; ) {
    prev = outer;
    outer = outer.replace(/\([^()]*\)/g, ' ');
  }
  return /\bFROM\s+(\w+)/.exec(outer)?.[1] ?? null;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** A literal's text; a template's parts joined with `?` where its substitutions were. */
function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('?');
  return null;
}

function sqlHits(file: string, text: string): Hit[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const hits: Hit[] = [];
  const at = (node: ts.Node, what: string, table: string | null = null) =>
    hits.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, what: what.replace(/\s+/g, ' ').slice(0, 120), table });
  const visit = (node: ts.Node): void => {
    const lit = literalText(node);
    if (lit !== null) {
      if (SQL_STATEMENT.test(lit)) at(node, lit, mainTable(lit));
      // A template's substitutions may hold literals of their own.
      if (ts.isTemplateExpression(node)) ts.forEachChild(node, visit);
      return;
    }
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const name = node.expression.name.text;
      const first = node.arguments[0];
      if (name === 'pragma') at(node, `.pragma(${first ? first.getText(sf) : ''})`);
      else if ((name === 'prepare' || name === 'exec') && first && (literalText(first) !== null || /sql/i.test(first.getText(sf)))) at(node, `.${name}(${first.getText(sf)})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return hits;
}

const all = sourceFiles('src')
  .filter((f) => !f.startsWith(STORE))
  .flatMap((f) => sqlHits(f, fs.readFileSync(path.join(root, f), 'utf8')));
const show = (hs: Hit[]) => hs.map((h) => `${h.file}:${h.line}  ${h.what}`).join('\n');

describe('SQL lives in src/main/store only', () => {
  it('finds SQL where it is (the scanner can fail)', () => {
    const probe = sqlHits('probe.ts', "db.prepare('SELECT id FROM images WHERE id = ?').get(1);\nconst re = /x/; re.exec(s); handler.prepare(ctx, params);\ndb.pragma('user_version');");
    expect(probe.map((h) => h.line)).toEqual([1, 1, 3]);
    expect(probe[0]!.table ?? probe[1]!.table).toBe('images');
    expect(mainTable('SELECT c.id, (SELECT count(*) FROM images i WHERE i.class_id = c.id) AS n FROM classes c')).toBe('classes');
    expect(mainTable("UPDATE candidates SET label_id = (SELECT label_id FROM label_assignments) WHERE id = 1")).toBe('candidates');
  });

  it('no file outside the store holds SQL (a statement, a pragma, a prepare or exec of SQL text)', () => {
    expect(show(all)).toBe('');
  });
});
