/**
 * Schema version 5: runs imported from run bundles (issue 16, src/main/review/).
 * - run_imports: one row per foreign run, written in the same transaction as the run's rows (its evaluations,
 *   training curves), with where the bundle came from (project, path, export time, studio version) and its
 *   SHA-256, so importing the same bundle again finds the run instead of adding a second copy.
 * - A foreign run is read-only: once its run_imports row exists, its runs row, evaluations and training curves
 *   can no longer be changed or added to (an evaluate or train job aimed at it fails with this message). It can
 *   still be deleted as a whole (the import record goes with it).
 */
export const schemaV5 = `
CREATE TABLE run_imports (
  run_id INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
  bundle_sha256 TEXT NOT NULL UNIQUE,
  format_version INTEGER NOT NULL,
  origin_json TEXT NOT NULL,
  bundle_path TEXT NOT NULL,
  imported_at INTEGER NOT NULL
);
CREATE TRIGGER foreign_run_read_only BEFORE UPDATE ON runs
  WHEN EXISTS (SELECT 1 FROM run_imports WHERE run_id = OLD.id)
  BEGIN SELECT RAISE(ABORT, 'this run was imported from a bundle (a foreign run) and is read-only'); END;
CREATE TRIGGER foreign_run_no_new_evaluations BEFORE INSERT ON evaluations
  WHEN EXISTS (SELECT 1 FROM run_imports WHERE run_id = NEW.run_id)
  BEGIN SELECT RAISE(ABORT, 'this run was imported from a bundle (a foreign run) and is read-only'); END;
CREATE TRIGGER foreign_run_evaluations_fixed BEFORE UPDATE ON evaluations
  WHEN EXISTS (SELECT 1 FROM run_imports WHERE run_id = OLD.run_id OR run_id = NEW.run_id)
  BEGIN SELECT RAISE(ABORT, 'this run was imported from a bundle (a foreign run) and is read-only'); END;
CREATE TRIGGER foreign_run_no_new_metrics BEFORE INSERT ON run_metrics
  WHEN EXISTS (SELECT 1 FROM run_imports WHERE run_id = NEW.run_id)
  BEGIN SELECT RAISE(ABORT, 'this run was imported from a bundle (a foreign run) and is read-only'); END;
CREATE TRIGGER foreign_run_metrics_fixed BEFORE UPDATE ON run_metrics
  WHEN EXISTS (SELECT 1 FROM run_imports WHERE run_id = OLD.run_id OR run_id = NEW.run_id)
  BEGIN SELECT RAISE(ABORT, 'this run was imported from a bundle (a foreign run) and is read-only'); END;
CREATE TRIGGER run_imports_final BEFORE UPDATE ON run_imports
  BEGIN SELECT RAISE(ABORT, 'an import record is final'); END;
`;
