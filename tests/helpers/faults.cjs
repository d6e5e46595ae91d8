/* eslint-disable @typescript-eslint/no-require-imports */
// Fault injection for tests, in plain CommonJS so a child process can load it with NODE_OPTIONS=--require before
// anything else (no tsx needed). Nothing in src/ knows about it: it patches node:fs and better-sqlite3 in the process
// that loads it. Typed for the tests by faults.d.cts.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function enospc(syscall, file) {
  return Object.assign(new Error(`ENOSPC: no space left on device, ${syscall} '${file}'`), { code: 'ENOSPC', errno: -28, syscall, path: file });
}

/**
 * A simulated small disk: every write under `dir` counts against `capacity` bytes (the sizes of the files under it,
 * as on a real disk: deleting a file frees its bytes), and the write that does not fit writes what fits, then fails
 * with ENOSPC, as a full filesystem does. Covers the synchronous calls the exports and the tests use. Returns uninstall.
 */
function installSimulatedDisk(dir, capacity) {
  const root = path.resolve(dir) + path.sep;
  const under = (p) => typeof p === 'string' && (path.resolve(p) + path.sep).startsWith(root);
  const used = () => {
    let n = 0;
    for (const rel of fs.readdirSync(root, { recursive: true })) {
      const st = fs.lstatSync(path.join(root, String(rel)), { throwIfNoEntry: false });
      if (st && st.isFile()) n += st.size;
    }
    return n;
  };
  const sizeOf = (p) => fs.statSync(p, { throwIfNoEntry: false })?.size ?? 0;
  const orig = { writeFileSync: fs.writeFileSync, copyFileSync: fs.copyFileSync, openSync: fs.openSync, writeSync: fs.writeSync, closeSync: fs.closeSync };
  const fdPaths = new Map();

  fs.writeFileSync = function (file, data, options) {
    if (!under(file)) return orig.writeFileSync.apply(fs, arguments);
    const buf = typeof data === 'string' ? Buffer.from(data, typeof options === 'string' ? options : options?.encoding ?? 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const free = capacity - (used() - sizeOf(file));
    if (buf.length <= free) return orig.writeFileSync.call(fs, file, buf);
    orig.writeFileSync.call(fs, file, buf.subarray(0, Math.max(0, free)));
    throw enospc('write', file);
  };
  fs.copyFileSync = function (src, dest, mode) {
    if (!under(dest)) return orig.copyFileSync.apply(fs, arguments);
    if (mode & fs.constants.COPYFILE_EXCL && fs.existsSync(dest)) return orig.copyFileSync.apply(fs, arguments);
    const data = fs.readFileSync(src);
    const free = capacity - (used() - sizeOf(dest));
    if (data.length <= free) return orig.copyFileSync.apply(fs, arguments);
    orig.writeFileSync.call(fs, dest, data.subarray(0, Math.max(0, free)));
    throw enospc('copyfile', dest);
  };
  fs.openSync = function (file) {
    const fd = orig.openSync.apply(fs, arguments);
    if (under(file)) fdPaths.set(fd, file);
    return fd;
  };
  fs.closeSync = function (fd) {
    fdPaths.delete(fd);
    return orig.closeSync.apply(fs, arguments);
  };
  fs.writeSync = function (fd, buffer, offsetOrOptions, length) {
    const file = fdPaths.get(fd);
    if (file === undefined) return orig.writeSync.apply(fs, arguments);
    const bytes = typeof buffer === 'string' ? Buffer.byteLength(buffer) : typeof length === 'number' ? length : buffer.byteLength - (typeof offsetOrOptions === 'number' ? offsetOrOptions : 0);
    const free = capacity - used();
    if (free <= 0) throw enospc('write', file);
    if (bytes <= free) return orig.writeSync.apply(fs, arguments);
    // A short write, as write(2) makes when the disk fills mid-buffer; the next call fails.
    const buf = typeof buffer === 'string' ? Buffer.from(buffer) : Buffer.from(buffer.buffer, buffer.byteOffset + (typeof offsetOrOptions === 'number' ? offsetOrOptions : 0), bytes);
    return orig.writeSync.call(fs, fd, buf, 0, free);
  };
  return () => Object.assign(fs, orig);
}

/**
 * A database that cannot grow: while `flagFile` exists, every INSERT/UPDATE/DELETE statement of this process fails
 * with SQLITE_FULL, "database or disk is full", as when the disk under the project fills up.
 */
function installSqliteFull(flagFile) {
  const Database = require('better-sqlite3');
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (sql) {
    const stmt = prepare.apply(this, arguments);
    if (/^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i.test(sql)) {
      const run = stmt.run;
      stmt.run = function () {
        if (fs.existsSync(flagFile)) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
        return run.apply(this, arguments);
      };
    }
    return stmt;
  };
}

/** Installs what the environment asks for; SQLite faults only in job processes (the studio or CLI parent keeps working). */
function installFromEnv() {
  const env = process.env;
  if (env.SYNOOD_TEST_ENOSPC_DIR) installSimulatedDisk(env.SYNOOD_TEST_ENOSPC_DIR, Number(env.SYNOOD_TEST_ENOSPC_AFTER_BYTES ?? 0));
  // A job process: the bundled job-process.js, or the source entry src/main/job-process/index.ts.
  if (env.SYNOOD_TEST_SQLITE_FULL && /job-process(\.js|[\\/]index\.ts)$/.test(process.argv[1] ?? '')) installSqliteFull(env.SYNOOD_TEST_SQLITE_FULL);
}

/** The environment that makes a child process (and its job processes) load this file first. */
function preloadEnv(extra) {
  return { ...extra, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(__filename)}`.trim() };
}

module.exports = { installSimulatedDisk, installSqliteFull, installFromEnv, preloadEnv };
if (require.main !== module && (process.env.SYNOOD_TEST_ENOSPC_DIR || process.env.SYNOOD_TEST_SQLITE_FULL)) installFromEnv();
