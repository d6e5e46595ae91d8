import { describe, expect, it } from 'vitest';
import { contextPrompt, parseElements } from '../../src/main/pipeline/describe';

describe('parseElements', () => {
  it('splits prose lists on commas and "and", dropping articles and the main object', () => {
    expect(parseElements('The image shows a giant panda, bamboo, a tourist and some leaves.', 'giant panda')).toEqual(['bamboo', 'tourist', 'leaves']);
  });

  it('reads numbered and bulleted lines', () => {
    expect(parseElements('1. Bamboo\n2) Tourists\n3. Wooden railing', 'panda')).toEqual(['bamboo', 'tourists', 'wooden railing']);
    expect(parseElements('- bamboo\n* leaf\n• railing\n- Pandas', 'giant panda')).toEqual(['bamboo', 'leaf', 'railing']);
  });

  it('keeps what follows a "label:" and skips bare headers', () => {
    expect(parseElements('Context elements:\n- grass\n- sky', 'dog')).toEqual(['grass', 'sky']);
    expect(parseElements('Elements: grass; sky & fence', 'dog')).toEqual(['grass', 'sky', 'fence']);
  });

  it('drops the main object by head noun (any listed name, plural too) but keeps compounds about it', () => {
    expect(parseElements('a black dog, dogs, dog bowl, leash', 'dog')).toEqual(['dog bowl', 'leash']);
    expect(parseElements('fish, tinca, water', 'tench, Tinca tinca')).toEqual(['fish', 'water']);
  });

  it('de-duplicates case-insensitively in order', () => {
    expect(parseElements('Grass, grass, GRASS, tree', 'cat')).toEqual(['grass', 'tree']);
  });
});

describe('contextPrompt', () => {
  it('is the official prefix + the first 73 characters + "."', () => {
    const answer = 'bamboo, tourists, leaves, a wooden railing, green grass, a stone path, blue sky, clouds';
    expect(answer.length).toBeGreaterThan(73);
    expect(contextPrompt(answer)).toBe(`A photo only remain ${answer.slice(0, 73)}.`);
    expect(contextPrompt('bamboo')).toBe('A photo only remain bamboo.');
  });

  it('is configurable', () => {
    expect(contextPrompt('bamboo, leaf', { prefix: 'Only ', maxChars: 6, suffix: '!' })).toBe('Only bamboo!');
  });
});
