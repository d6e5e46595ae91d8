import type { LabelPool } from '../../../shared/api/routes/mine-labels';
import type { Db } from '../../store/db';
import { indTrainClasses } from './ind-classes';
import { readWordList, type WordList } from './word-list';

/**
 * The word list of a file pool, validated against the project's InD classes (throws WordListError, which names
 * the file and lines). Both the API (before queueing) and the job (before writing) call it.
 */
export function poolWordList(db: Db, pool: Extract<LabelPool, { type: 'file' }>): WordList {
  return readWordList(pool.path, { classNames: indTrainClasses(db).names, mode: pool.mode });
}
