/**
 * Schema version 4: one runner per job.
 * - A lease on each job row: which job process runs it (an owner id, plus its pid, host and what started it, so a
 *   second process can say who runs it) and when that owner last proved it was alive. A process takes a job only
 *   with a conditional UPDATE (no lease, its own, or one whose heartbeat is too old), so two processes that open
 *   one project never run the same job (src/main/jobs/lease.ts).
 * - A failure never overwrites an item's 'done' mark: its result rows are committed with it, so turning it into
 *   'failed' would tell a retry to do it again (a second insert, a UNIQUE failure). The job store's failure path
 *   only fails pending items; this trigger refuses it for any statement.
 */
export const schemaV4 = `
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_pid INTEGER;
ALTER TABLE jobs ADD COLUMN lease_host TEXT;
ALTER TABLE jobs ADD COLUMN lease_kind TEXT;
ALTER TABLE jobs ADD COLUMN lease_at INTEGER;
CREATE TRIGGER job_items_done_never_failed BEFORE UPDATE OF status ON job_items
  WHEN OLD.status = 'done' AND NEW.status = 'failed'
  BEGIN SELECT RAISE(ABORT, 'job item is already done; a failure cannot overwrite its result'); END;
`;
