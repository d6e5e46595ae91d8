import path from 'node:path';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportHtml } from '../../src/main/review/report';
import { tmpDir } from '../helpers/tmp';
import { OOD_SETS, reviewProject, type ReviewProject } from './review-project';

describe('the HTML report', () => {
  let t: ReturnType<typeof tmpDir>;
  let a: ReviewProject;
  let html: string;
  let foreignId: number;

  beforeAll(async () => {
    t = tmpDir('synood-report-');
    const src = await reviewProject(t.dir, 'elsewhere', [{ name: 'theirs', separation: [1.7, 1.4] }]);
    const bundle = path.join(t.dir, 'theirs.synood-run');
    await src.call('bundle.export', { runId: src.runIds[0], out: bundle });
    await src.close();
    a = await reviewProject(t.dir, 'here', [
      { name: 'NegLabel', kind: 'zero-shot', separation: [1.2, 1.0], config: { method: 'neglabel' } },
      { name: 'ours', separation: [1.6, 1.3] },
      { name: 'no scores', separation: [1.5, 1.2], noScores: true },
    ]);
    foreignId = (await a.call<{ runId: number }>('bundle.import', { file: bundle })).runId;
    html = await buildReportHtml(a.studio.project!, [a.runIds[0]!, a.runIds[1]!, a.runIds[2]!, foreignId], { resamples: 300 });
  }, 120_000);
  afterAll(async () => {
    await a?.close();
    t.cleanup();
  });

  it('is self-contained: no external reference, a CSP that forbids fetching, images inline', () => {
    expect(html).not.toMatch(/(src|href)\s*=\s*"(?!data:)[^"#]/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).not.toContain('<script');
    expect(html).toContain(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`);
    expect((html.match(/src="data:image\/png;base64,/g) ?? []).length).toBeGreaterThanOrEqual(8);
  });

  it('has every figure it lists', () => {
    const ids = /<meta name="synood-figures" content="([^"]+)">/.exec(html)![1]!.split(' ');
    expect(ids).toEqual(expect.arrayContaining(['table-main', 'paired-tests', 'roc-inaturalist', 'roc-textures', 'hist-inaturalist', 'hist-textures', 'training-loss', 'config-diff', 'provenance', `samples-${foreignId}`]));
    for (const id of ids) expect(html, id).toContain(`data-figure="${id}"`);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(2 + 2 * 4 + 1);
  });

  it('shows the table with intervals and † marks, the paired tests, the foreign origin and the provenance', () => {
    expect(html).toMatch(/\d+\.\d\d \[\d+\.\d\d, \d+\.\d\d\]<span class="sig">†<\/span>/);
    expect(html).toContain('foreign: elsewhere');
    expect(html).toMatch(/p = [\d.e-]+ \(DeLong\)/);
    expect(html).toContain('no per-sample scores');
    for (const s of OOD_SETS) expect(html).toContain(`ROC on ${s}`);
    expect(html).toContain('generation.energySign');
    expect(html).toContain('curated images + labels');
    expect(html).toMatch(/exported \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC by SynOOD Studio 0\.1\.0/);
  });

  it('is written under exports/ by the route, replacing an earlier one', async () => {
    const r = await a.call<{ file: string; rel: string; pdf: null; bytes: number }>('report.write', { runIds: [a.runIds[1], foreignId], resamples: 200 });
    expect(r.rel).toBe(`exports/report-${a.runIds[1]}-${foreignId}.html`);
    expect(fs.readFileSync(r.file, 'utf8')).toContain('SynOOD Studio report');
    const again = await a.call<{ file: string }>('report.write', { runIds: [a.runIds[1], foreignId], resamples: 200 });
    expect(again.file).toBe(r.file);
    const out = path.join(t.dir, 'mine.html');
    await a.call('report.write', { runIds: [a.runIds[1]], out });
    const refused = await a.studio.call('report.write', { runIds: [a.runIds[1]], out });
    expect(refused.ok).toBe(false);
  });
});
