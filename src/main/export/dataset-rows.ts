import type { Db } from '../store/db';

/** One accepted candidate with everything its metadata row needs. */
export interface AcceptedCandidate {
  id: number;
  filePath: string;
  labelId: number | null;
  label: string | null;
  labelPos: 'noun' | 'adj' | null;
  labelSource: 'model' | 'human' | null;
  labelMargin: number | null;
  sourceImage: string | null;
  sourceClass: string | null;
  prompt: string | null;
  objective: string;
  seed: number;
  config: Record<string, unknown>;
  energy: number | null;
  msp: number | null;
  neglabelScore: number | null;
  sourceClassProb: number | null;
}

interface Row {
  id: number;
  file_path: string;
  label_id: number | null;
  word: string | null;
  pos: 'noun' | 'adj' | null;
  label_source: 'model' | 'human' | null;
  label_margin: number | null;
  source_path: string | null;
  class_name: string | null;
  prompt: string | null;
  objective: string;
  seed: number;
  config_json: string;
  energy: number | null;
  msp: number | null;
  neglabel_score: number | null;
  source_class_prob: number | null;
}

function parseConfig(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The accepted candidates in id order: what training uses and what the dataset export writes. */
export function acceptedCandidates(db: Db): AcceptedCandidate[] {
  const rows = db
    .prepare(
      `SELECT c.id, c.file_path, c.label_id, l.word, l.pos, c.label_source, c.label_margin, si.path AS source_path, cl.name AS class_name,
              pv.prompt, c.objective, c.seed, c.config_json, c.energy, c.msp, c.neglabel_score, c.source_class_prob
         FROM candidates c
         LEFT JOIN neg_labels l ON l.id = c.label_id
         LEFT JOIN images si ON si.id = c.source_image_id
         LEFT JOIN classes cl ON cl.id = c.class_id
         LEFT JOIN prompt_versions pv ON pv.id = c.prompt_version_id
        WHERE c.status = 'accepted'
        ORDER BY c.id`,
    )
    .all() as Row[];
  return rows.map((r) => {
    const config = parseConfig(r.config_json);
    return {
      id: r.id,
      filePath: r.file_path,
      labelId: r.label_id,
      label: r.word,
      labelPos: r.pos,
      labelSource: r.label_source,
      labelMargin: r.label_margin,
      sourceImage: r.source_path,
      sourceClass: r.class_name,
      // The pinned prompt version; the generation config keeps the text too, for candidates whose version row is gone.
      prompt: r.prompt ?? (typeof config.prompt === 'string' ? config.prompt : null),
      objective: r.objective,
      seed: r.seed,
      config,
      energy: r.energy,
      msp: r.msp,
      neglabelScore: r.neglabel_score,
      sourceClassProb: r.source_class_prob,
    };
  });
}
