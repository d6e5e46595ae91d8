import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers/tmp';
import { runCli } from '../cli/cli';

/**
 * `synood world bench --quick` end to end through the real CLI: the shape of the output, and one effect that is
 * robust at 20 images per objective: the official objective's images have a lower classifier max-softmax than the
 * unguided (`none`) ones.
 */
const OBJECTIVES = ['official', 'energy', 'msp', 'none', 'neg_text2img'];
const RESULT_KEYS = [
  'neglabel_near_auroc',
  'neglabel_far_auroc',
  'neglabel_avg_auroc',
  'neglabel_avg_fpr95',
  'stage2_avg_auroc',
  'stage2_avg_fpr95',
  'synood_near_auroc',
  'synood_far_auroc',
  'synood_avg_auroc',
  'synood_avg_auroc_std',
  'synood_avg_fpr95',
  'projection_only_avg_auroc',
  'curation_off_avg_auroc',
  ...OBJECTIVES.flatMap((o) => [`obj_${o}_avg_auroc`, `msp_${o}`, `sim_${o}`]),
  'classifier_acc',
  'clip_zero_shot_acc',
  'floors_passed',
  'floors_total',
  'synood_beats_neglabel',
  'seconds',
];
const TABLE_ROWS = [
  'NegLabel (zero-shot)',
  'SynOOD stage 2 only (tuned labels)',
  'SynOOD (projection + tuned labels)',
  'official',
  'energy',
  'msp',
  'none',
  'neg-text2img',
  'on (reject source-class prob. ≥ 0.9)',
  'off (accept all)',
  'tuned labels, no projection (stage 2 only)',
  'projection, mined labels (no label tuning)',
  'projection + tuned labels',
  'classifier InD test accuracy',
  'tiny-CLIP zero-shot InD accuracy',
  'NegLabel zero-shot far-OOD AUROC',
  'official MSP < none MSP',
  'official CLIP sim. > neg-text2img',
];

describe('synood world bench --quick', () => {
  const t = tmpDir('synood-world-bench-');
  afterAll(() => t.cleanup());

  it('runs the loop for every objective and prints every table row, the verdict and a RESULT line of finite values', async () => {
    const out = path.join(t.dir, 'out');
    const r = await runCli(['world', 'bench', '--quick', '--dir', path.join(t.dir, 'work'), '--out', out], { home: t.dir, timeoutMs: 560_000 });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const last = lines[lines.length - 1]!;
    expect(last.startsWith('RESULT ')).toBe(true);
    const result = Object.fromEntries(last.slice('RESULT '.length).split(' ').map((kv) => kv.split('=') as [string, string]));
    expect(Object.keys(result).sort()).toEqual([...RESULT_KEYS].sort());
    for (const key of RESULT_KEYS) expect(Number.isFinite(Number(result[key])), `${key}=${result[key]}`).toBe(true);
    expect(Number(result.floors_total)).toBe(5);

    // Every row is in a table, with as many cells as its header.
    const tableLines = lines.filter((l) => l.startsWith('| '));
    for (const name of TABLE_ROWS) {
      const row = tableLines.find((l) => l.startsWith(`| ${name} |`));
      expect(row, name).toBeDefined();
      let rule = tableLines.indexOf(row!);
      while (rule > 0 && !tableLines[rule]!.startsWith('| ---')) rule--;
      const header = tableLines[rule - 1]!;
      expect(row!.split(' | ').length, name).toBe(header.split(' | ').length);
    }
    expect(lines.some((l) => /^VERDICT: SynOOD (BEAT|did NOT beat) zero-shot NegLabel/.test(l))).toBe(true);
    // The world's own trained models, no stand-in (the describer is CLIP nouns by default, so no VLM is registered).
    expect(r.stdout).toMatch(/classifier world-trained, clip world-trained, inpainting world-trained/);
    expect(r.stdout).not.toMatch(/STAND-IN/);
    // Guidance pushes toward OOD: measured by the bench from the image files with the world classifier.
    expect(Number(result.msp_official)).toBeLessThan(Number(result.msp_none));

    // --out: the same tables and every figure, the RESULT values among them.
    expect(fs.readFileSync(path.join(out, 'world-bench.md'), 'utf8').trimEnd().endsWith(last)).toBe(true);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'world-bench.json'), 'utf8'));
    expect(json.result.synood_avg_auroc).toBeCloseTo(Number(result.synood_avg_auroc), 3);
    expect(json.variants.map((v: { key: string }) => v.key)).toEqual(['official', 'energy', 'msp', 'none', 'neg-text2img', 'official-no-curation']);
    expect(json.variants[0].seeds).toHaveLength(2);
    expect(json.images.every((i: { n: number }) => i.n === 20)).toBe(true);
  }, 600_000);
});
