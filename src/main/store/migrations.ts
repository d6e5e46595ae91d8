import type { Database } from 'better-sqlite3';
import { schemaV1 } from './schema-v1';
import { schemaV2 } from './schema-v2';
import { schemaV3 } from './schema-v3';
import { schemaV4 } from './schema-v4';
import { schemaV5 } from './schema-v5';
import { schemaV6 } from './schema-v6';

/** Ordered, append-only. Never edit a shipped migration: add the next one. */
export const migrations: { version: number; name: string; sql: string }[] = [
  { version: 1, name: 'initial schema', sql: schemaV1 },
  { version: 2, name: 'shard merges', sql: schemaV2 },
  { version: 3, name: 'guidance objectives renamed (code → official, old energy → energy-eq7-literal)', sql: schemaV3 },
  { version: 4, name: 'job leases (one runner per job); done items are final', sql: schemaV4 },
  { version: 5, name: 'foreign runs imported from run bundles (read-only)', sql: schemaV5 },
  { version: 6, name: 'candidates keep their unguided image (iteration 1 decode)', sql: schemaV6 },
];

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]!.version;

export class NewerSchemaError extends Error {
  constructor(file: string, found: number) {
    super(`${file} was written by a newer SynOOD Studio (schema version ${found}, this build knows up to ${LATEST_SCHEMA_VERSION}); update the studio to open it. Nothing was changed.`);
    this.name = 'NewerSchemaError';
  }
}

/** Brings the file to the latest version, each step in its own transaction; refuses files from the future untouched. */
export function migrate(db: Database, file: string): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > LATEST_SCHEMA_VERSION) throw new NewerSchemaError(file, current);
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return db.pragma('user_version', { simple: true }) as number;
}
