#!/usr/bin/env node
/**
 * A content hash of a demo folder that ignores time: every file's bytes (the SQLite files aside), and every table's
 * rows with time-valued columns blanked. Two demo runs of the same code give the same hash; a refactor that must not
 * change behaviour must not change it either (the refactor issue's check).
 *
 *   node scripts/demo-hash.mjs <demo-dir> [--list]     (--list prints one hash per file and table, to find a diff)
 *
 * Blanked: columns whose name says time (…_at, …At, time, …_ms, seconds, duration, heartbeat, lease…), and the
 * few JSON fields inside rows that hold wall-clock figures (listed in VOLATILE_JSON_KEYS).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

const TIME_COLUMN = /(_at|At|^time|_time|_ms|Ms|seconds|Sec|duration|heartbeat|lease|owner|pid)$/i;
const VOLATILE_JSON_KEYS = /^(at|ms|seconds|time|timestamp|pid|host|hostname|owner|itemsPerSec|secPerEpoch)$|(Ms|At|Sec|Seconds)$/;
/** Absolute paths differ between folders: keep only the part below the demo folder. */
function relPaths(s, root) {
  return s.split(root).join('<demo>');
}

function scrubJson(v) {
  if (Array.isArray(v)) return v.map(scrubJson);
  if (v && typeof v === 'object') {
    const out = {};
    for (const k of Object.keys(v).sort()) out[k] = VOLATILE_JSON_KEYS.test(k) ? null : scrubJson(v[k]);
    return out;
  }
  return v;
}

function scrubCell(col, v, root) {
  if (TIME_COLUMN.test(col)) return null;
  if (Buffer.isBuffer(v)) return crypto.createHash('sha256').update(v).digest('hex');
  if (typeof v === 'string') {
    const t = v.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return relPaths(JSON.stringify(scrubJson(JSON.parse(t))), root);
      } catch {
        /* not JSON after all */
      }
    }
    return relPaths(v, root);
  }
  return v;
}

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function main() {
  const [dirArg, ...flags] = process.argv.slice(2);
  if (!dirArg) {
    console.error('usage: node scripts/demo-hash.mjs <demo-dir> [--list]');
    process.exit(2);
  }
  const root = path.resolve(dirArg);
  const list = flags.includes('--list');
  const parts = [];
  for (const f of walk(root)) {
    const rel = path.relative(root, f);
    if (/\.db(-wal|-shm|-journal)?$/.test(rel)) continue;
    // Logs and lock files carry times and process ids, not outputs.
    if (/\.(log|lock|pid)$/.test(rel) || rel.includes('.tmp')) continue;
    const bytes = fs.readFileSync(f);
    // JSON files carry absolute paths and wall-clock fields (recent projects, run configs): hash them scrubbed.
    const content = rel.endsWith('.json') ? scrubCell('', bytes.toString('utf8'), root) : bytes;
    parts.push([`file ${rel}`, crypto.createHash('sha256').update(content).digest('hex')]);
  }
  for (const dbFile of walk(root).filter((f) => f.endsWith('.db'))) {
    const db = new Database(dbFile, { readonly: true, fileMustExist: true });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    for (const { name } of tables) {
      const rows = db.prepare(`SELECT * FROM "${name}"`).all();
      const lines = rows.map((r) => JSON.stringify(Object.keys(r).sort().map((c) => [c, scrubCell(c, r[c], root)]))).sort();
      parts.push([`table ${path.relative(root, dbFile)}:${name}`, crypto.createHash('sha256').update(lines.join('\n')).digest('hex')]);
    }
    db.close();
  }
  const all = crypto.createHash('sha256');
  for (const [k, h] of parts) {
    all.update(`${k} ${h}\n`);
    if (list) console.log(`${h.slice(0, 16)}  ${k}`);
  }
  console.log(`RESULT demo_hash=${all.digest('hex')} files_and_tables=${parts.length}`);
}

main();
