import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { worldSplit } from '../../src/main/world';
import { evaluateWorldClassifier } from '../../src/main/world/classifier/evaluate-classifier';
import { ClassifierRecord } from '../../src/main/world/train-world';
import { readFileSync } from 'node:fs';

const RES = path.join(__dirname, '../../resources/world');

describe('committed world classifier', () => {
  it('classifies ≥ 90% of the 500 InD test images (issue floor), as its record says', async () => {
    const record = ClassifierRecord.parse(JSON.parse(readFileSync(path.join(RES, 'classifier.json'), 'utf8')));
    const ev = await evaluateWorldClassifier(path.join(RES, record.file), worldSplit('ind-test'), { intraOpNumThreads: 1 });
    expect(ev.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(ev.accuracy).toBeCloseTo(record.indTestAccuracy, 3);
  }, 120_000);
});
