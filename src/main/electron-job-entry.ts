/**
 * Entry of the job process under Electron (a utility process, forked by electron-job-process.ts): it selects the same
 * better-sqlite3 build as the main process (passed in SYNOOD_SQLITE_BINDING), then runs the ordinary job process
 * entry, which opens the project database while it loads. The job process is loaded at run time, not imported: a
 * bundler hoists a shared chunk's require above this module's own code, and the choice must come first.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { installSqliteBinding, SQLITE_BINDING_ENV } from './electron-native';

const binding = process.env[SQLITE_BINDING_ENV];
if (binding) installSqliteBinding(binding);
createRequire(__filename)(path.join(__dirname, 'job-process.js'));
