import type { Db } from '../store/db';
import { acceptedCandidateRows } from '../store/candidate-reports';

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
  const rows = acceptedCandidateRows(db);
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
