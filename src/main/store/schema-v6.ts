/**
 * Schema version 6: the unguided image beside each candidate (issue 14, "generation quality pictures").
 * - candidates.unguided_path: project-relative path of iteration 1's decode at full size — the same seed denoised
 *   before any guidance update, written by the generate job with the candidate's other files and committed with
 *   its row. NULL for candidates generated before this version, with `saveUnguided` off, or seeded without a job.
 */
export const schemaV6 = `
ALTER TABLE candidates ADD COLUMN unguided_path TEXT;
`;
