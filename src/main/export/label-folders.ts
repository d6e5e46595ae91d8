/** Folder name for the candidates without a negative label. */
export const UNLABELED_FOLDER = 'unlabeled';

/** A label as a safe folder name: WordNet words carry dots, apostrophes and the odd slash-free oddity. */
export function folderName(word: string): string {
  const safe = word.trim().replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_');
  return safe === '' || safe === UNLABELED_FOLDER ? `_${safe}` : safe;
}

/**
 * One folder per label id. Words that clash once sanitised (the noun and the adjective 'red', or two words that
 * differ only in punctuation) get their part of speech, then their id, appended so no two labels share a folder.
 */
export function labelFolders(labels: { id: number; word: string; pos: string }[]): Map<number, string> {
  const byName = new Map<string, { id: number; word: string; pos: string }[]>();
  for (const l of labels) {
    const name = folderName(l.word);
    byName.set(name, [...(byName.get(name) ?? []), l]);
  }
  const out = new Map<number, string>();
  for (const [name, group] of byName) {
    if (group.length === 1) {
      out.set(group[0]!.id, name);
      continue;
    }
    const posCount = new Map<string, number>();
    for (const l of group) posCount.set(l.pos, (posCount.get(l.pos) ?? 0) + 1);
    for (const l of group) out.set(l.id, posCount.get(l.pos) === 1 ? `${name}-${l.pos}` : `${name}-${l.pos}-${l.id}`);
  }
  return out;
}
