/**
 * Schema version 3: the guidance objectives were renamed when their direction was fixed (docs/METHOD.md §3).
 * - `code` (the official code's loss) is now `official`: same loss, same direction, new name.
 * - `energy` used to be eq. 7 read literally (no hinge), which pushes images toward InD. `energy` now names the
 *   squared hinge on the energy score; rows made by the old reading keep saying so as `energy-eq7-literal`,
 *   an objective that can be read and shown but no longer queued.
 * Candidates, their recorded config and queued or finished generate jobs' params are renamed alike, so a
 * retried old job refuses its removed objective with a message instead of silently using the new one.
 */
export const schemaV3 = `
UPDATE candidates SET objective = CASE objective WHEN 'code' THEN 'official' WHEN 'energy' THEN 'energy-eq7-literal' ELSE objective END
  WHERE objective IN ('code', 'energy');
UPDATE candidates SET config_json = json_set(config_json, '$.objective',
    CASE json_extract(config_json, '$.objective') WHEN 'code' THEN 'official' ELSE 'energy-eq7-literal' END)
  WHERE json_valid(config_json) AND json_extract(config_json, '$.objective') IN ('code', 'energy');
UPDATE jobs SET params_json = json_set(params_json, '$.settings.objective',
    CASE json_extract(params_json, '$.settings.objective') WHEN 'code' THEN 'official' ELSE 'energy-eq7-literal' END)
  WHERE kind = 'generate.candidates' AND json_valid(params_json)
    AND json_extract(params_json, '$.settings.objective') IN ('code', 'energy');
`;
