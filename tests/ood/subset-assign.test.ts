import { describe, expect, it } from 'vitest';
import { assignNegativeLabels, classPrompt, distinctLabelCount, fillTemplate, selectInDSubset, type ImageRecord } from '../../src/main/ood';
import { cosine, randomRows, row, softmax } from './helpers';

describe('InD subset', () => {
  const rec = (id: string, classId: string | number, bytes: number, w: number, h: number, path = `/img/${id}.jpg`): ImageRecord => ({ id, classId, bytes, width: w, height: h, path });

  it('keeps the top k by bytes per pixel per class, ties by path', () => {
    const records = [
      rec('a', 2, 1000, 10, 10), // 10
      rec('b', 2, 3000, 10, 10), // 30
      rec('c', 2, 2000, 20, 5, '/img/z.jpg'), // 20, tie with d, path z after y
      rec('d', 2, 4000, 20, 10, '/img/y.jpg'), // 20
      rec('e', 1, 50, 5, 5), // 2
      rec('f', 1, 75, 5, 5), // 3
    ];
    const out = selectInDSubset(records, 3);
    expect(out.map((x) => [x.record.classId, x.record.id, x.rank])).toEqual([
      [1, 'f', 0],
      [1, 'e', 1],
      [2, 'b', 0],
      [2, 'd', 1],
      [2, 'c', 2],
    ]);
    expect(out[2]!.bytesPerPixel).toBe(30);
    expect(selectInDSubset(records).length).toBe(6);
  });

  it('rejects zero-sized images', () => {
    expect(() => selectInDSubset([rec('x', 'n01', 10, 0, 5)])).toThrow(/invalid size/);
  });
});

describe('negative-label assignment', () => {
  it('gives the top-1 of softmax(100·cos) and its margin over the second label', () => {
    const img = randomRows(5, 12, 31);
    const neg = randomRows(40, 12, 32);
    const a = assignNegativeLabels(img, neg);
    for (let i = 0; i < img.rows; i++) {
      const p = softmax(Array.from({ length: neg.rows }, (_, j) => 100 * cosine(row(img, i), row(neg, j))));
      const order = p.map((v, j) => [v, j]).sort((x, y) => y[0]! - x[0]!);
      expect(a.label[i]).toBe(order[0]![1]);
      expect(a.prob[i]).toBeCloseTo(order[0]![0]!, 5);
      expect(a.margin[i]).toBeCloseTo(order[0]![0]! - order[1]![0]!, 5);
    }
    expect(distinctLabelCount(a)).toBe(new Set(a.label).size);
  });

  it('exact ties go to the lower index with zero margin; one label has margin 1', () => {
    const img = { data: Float32Array.from([1, 0]), rows: 1, cols: 2 };
    const tie = assignNegativeLabels(img, { data: Float32Array.from([0, 1, 1, 0, 1, 0]), rows: 3, cols: 2 });
    expect([tie.label[0], tie.margin[0]]).toEqual([1, 0]);
    const one = assignNegativeLabels(img, { data: Float32Array.from([3, 4]), rows: 1, cols: 2 }, { normalize: true });
    expect([one.label[0], one.prob[0], one.margin[0]]).toEqual([0, 1, 1]);
  });
});

describe('class prompts', () => {
  it('fills the fine-tuning and NegLabel templates', () => {
    expect(classPrompt('goldfish')).toBe('a nice goldfish');
    expect(classPrompt('goldfish', 'the nice {}')).toBe('the nice goldfish');
    expect(fillTemplate('This is a {} photo', 'red')).toBe('This is a red photo');
    expect(() => fillTemplate('{} and {}', 'x')).toThrow(/exactly one/);
    expect(() => fillTemplate('no slot', 'x')).toThrow(/exactly one/);
  });
});
