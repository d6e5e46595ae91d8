import type { Db } from '../../store/db';
import { indTrainClassRows } from '../../store/classes';
import { ItemError } from '../../jobs/handler';

export interface IndClasses {
  /** Distinct class names over every InD-train dataset, in (dataset, class index) order. */
  names: string[];
  /** classes.id → position in `names` (datasets sharing a class name share the position). */
  indexOfClassId: Map<number, number>;
}

/** The InD label set every OOD stage scores against: the classes of the InD-train datasets. */
export function indTrainClasses(db: Db): IndClasses {
  const rows = indTrainClassRows(db);
  if (rows.length === 0) throw new ItemError('no InD classes: import an InD-train dataset with one folder per class first (Datasets, role: InD train)');
  const names: string[] = [];
  const byName = new Map<string, number>();
  const indexOfClassId = new Map<number, number>();
  for (const r of rows) {
    let i = byName.get(r.name);
    if (i === undefined) {
      i = names.length;
      names.push(r.name);
      byName.set(r.name, i);
    }
    indexOfClassId.set(r.id, i);
  }
  return { names, indexOfClassId };
}
