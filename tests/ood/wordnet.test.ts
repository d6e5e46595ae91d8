import { describe, expect, it } from 'vitest';
import { cleanWordNetLemma, loadWordNetCandidates } from '../../src/main/ood';

describe('WordNet candidates', () => {
  it('cleans lemmas as NegLabel writes them', () => {
    expect(cleanWordNetLemma('St_John\'s_wort')).toBe("st john's wort");
    expect(cleanWordNetLemma('galore(ip)')).toBe('galore');
    expect(cleanWordNetLemma('asleep(p)')).toBe('asleep');
    expect(cleanWordNetLemma('elect(a)')).toBe('elect');
    expect(cleanWordNetLemma('[acuminate')).toBe('acuminate');
    expect(cleanWordNetLemma('Wrangell-St._Elias_National_Park')).toBe('wrangell-st. elias national park');
  });

  const first = loadWordNetCandidates();

  it('loads the de-duplicated first lemmas of the noun and adjective files (~81k)', () => {
    // WordNet 3.1, first lemma per synset: 67,244 nouns + 14,021 adjectives.
    expect(first.nouns.length).toBeGreaterThan(60_000);
    expect(first.nouns.length).toBeLessThan(70_000);
    expect(first.adjectives.length).toBeGreaterThan(12_000);
    expect(first.adjectives.length).toBeLessThan(16_000);
    expect(new Set(first.nouns).size).toBe(first.nouns.length);
    expect(new Set(first.adjectives).size).toBe(first.adjectives.length);
  });

  it('contains known cleaned words and nothing uncleaned', () => {
    const nouns = new Set(first.nouns);
    const adjs = new Set(first.adjectives);
    for (const w of ['dog', 'cat', 'de kooning', 'marsh marigold', 'genus caladenia', 'capitol reef national park']) expect(nouns.has(w)).toBe(true);
    for (const w of ['able', 'red', 'knitted', 'costa rican', 'galore', 'asleep']) expect(adjs.has(w)).toBe(true);
    const dirty = [...first.nouns, ...first.adjectives].filter((w) => /[_()[\]A-Z]/.test(w) || w !== w.trim());
    expect(dirty).toEqual([]);
  });

  it('all lemmas and lexicographer-file filters change the pool as expected', () => {
    const all = loadWordNetCandidates({ lemmas: 'all' });
    expect(all.nouns.length).toBeGreaterThan(first.nouns.length + 40_000);
    expect(new Set(all.nouns).has('domestic dog')).toBe(true);
    const persons = loadWordNetCandidates({ nounLexFiles: [18], adjLexFiles: [44] });
    expect(persons.nouns).toContain('chagall');
    expect(persons.nouns).not.toContain('marsh marigold');
    expect(persons.adjectives.length).toBeLessThan(100);
  });
});
