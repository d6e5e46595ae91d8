import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/main/store/db';
import {
  clearLabelSelection,
  countLabels,
  countSelectedLabels,
  insertSelectedLabelIfNew,
  labelExists,
  labelIdAndScore,
  labelsContaining,
  labelsWithPrefix,
  selectedCountsByPos,
  selectedLabelIds,
  selectedLabelsByPos,
  selectedNegativeLabels,
  selectedWordAt,
  selectLabelById,
  selectLabelByWord,
  upsertScoredLabel,
} from '../../src/main/store/neg-labels';
import { tmpDir } from '../helpers/tmp';

describe('store: negative labels', () => {
  const t = tmpDir('synood-store-labels-');
  afterAll(() => t.cleanup());
  let n = 0;
  const fresh = () => openDb(path.join(t.dir, `${++n}.db`));

  it('mining again updates score and template but keeps the selection mark', () => {
    const db = fresh();
    upsertScoredLabel(db, 'rock', 'noun', 'a {}', 0.3);
    selectLabelByWord(db, 'rock', 'noun');
    upsertScoredLabel(db, 'rock', 'noun', 'the {}', 0.1);
    expect(labelIdAndScore(db, 'rock', 'noun')).toEqual({ id: 1, mining_score: 0.1 });
    expect(selectedNegativeLabels(db)).toEqual([{ id: 1, word: 'rock', pos: 'noun', template: 'the {}' }]);
    // The same word as another part of speech is another label.
    upsertScoredLabel(db, 'rock', 'adj', 'a {} photo', 0.2);
    expect(countLabels(db)).toBe(2);
    expect(labelIdAndScore(db, 'stone', 'noun')).toBeUndefined();
    db.close();
  });

  it('an existing word is left alone by the seeding insert', () => {
    const db = fresh();
    upsertScoredLabel(db, 'rock', 'noun', 'a {}', 0.3);
    insertSelectedLabelIfNew(db, 'rock', 'noun', 'other', 0.9);
    insertSelectedLabelIfNew(db, 'moss', 'noun', 'a {}', 0.5);
    expect(labelIdAndScore(db, 'rock', 'noun')).toEqual({ id: 1, mining_score: 0.3 });
    expect(selectedLabelIds(db)).toEqual([2]);
    db.close();
  });

  it('selected labels come in the OOD order (nouns, then by score) and the export order (nouns, then by id)', () => {
    const db = fresh();
    upsertScoredLabel(db, 'shiny', 'adj', 't', 0.1);
    upsertScoredLabel(db, 'rock', 'noun', 't', 0.5);
    upsertScoredLabel(db, 'moss', 'noun', 't', 0.2);
    upsertScoredLabel(db, 'dull', 'adj', 't', 0.05);
    upsertScoredLabel(db, 'sand', 'noun', 't', 0.0);
    for (const id of [1, 2, 3, 4]) selectLabelById(db, id);
    expect(selectedNegativeLabels(db).map((l) => l.word)).toEqual(['moss', 'rock', 'dull', 'shiny']);
    expect(selectedLabelsByPos(db)).toEqual([
      { word: 'rock', pos: 'noun', score: 0.5 },
      { word: 'moss', pos: 'noun', score: 0.2 },
      { word: 'shiny', pos: 'adj', score: 0.1 },
      { word: 'dull', pos: 'adj', score: 0.05 },
    ]);
    expect(countSelectedLabels(db)).toBe(4);
    expect(selectedCountsByPos(db).sort((a, b) => a.pos.localeCompare(b.pos))).toEqual([
      { pos: 'adj', n: 2 },
      { pos: 'noun', n: 2 },
    ]);
    expect(selectedWordAt(db, 0)).toBe('shiny');
    expect(selectedWordAt(db, 3)).toBe('dull');
    expect(selectedWordAt(db, 4)).toBeUndefined();
    clearLabelSelection(db);
    expect(countSelectedLabels(db)).toBe(0);
    expect(labelExists(db, 5)).toBe(true);
    expect(labelExists(db, 6)).toBe(false);
    db.close();
  });

  it('search: prefix matches then words containing the query, within one selected-state', () => {
    const db = fresh();
    for (const w of ['stone', 'sandstone', 'star', 'rock', 'stoat']) upsertScoredLabel(db, w, 'noun', 't', 0);
    selectLabelByWord(db, 'stoat', 'noun');
    expect(labelsWithPrefix(db, 'sto', 0, 10).map((r) => r.word)).toEqual(['stone']);
    expect(labelsWithPrefix(db, 'sto', 1, 10)).toEqual([{ id: 5, word: 'stoat', pos: 'noun', selected: 1 }]);
    expect(labelsWithPrefix(db, 's', 0, 2).map((r) => r.word)).toEqual(['sandstone', 'star']);
    // "Containing" means after the first character: a prefix match is not repeated.
    expect(labelsContaining(db, 'sto', 0, 10).map((r) => r.word)).toEqual(['sandstone']);
    db.close();
  });
});
