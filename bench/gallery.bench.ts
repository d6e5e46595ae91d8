/**
 * The curation gallery at 100k candidates (issue 6, Speed). Run: npm run bench:gallery
 * 1. p95 time of `candidate.list` pages in the main process (through the API dispatch, zod validation included),
 *    over several sorts and filters, paging 20 keyset pages deep; first pages (which also count the view) apart.
 *    Reference in the same run: the cheapest page SQLite can serve (primary-key order, no join, no filter).
 * 2. Time to first grid paint in Chromium (browser mode): click on "Curate" → first thumbnail decoded on screen.
 * 3. Scroll frame times: requestAnimationFrame deltas while the grid scrolls 600 px per frame.
 * Goals: p95 page < 20 ms, first paint < 1.5 s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBrowserMode } from '../src/main/browser-mode';
import { seedProject } from '../src/main/dev/seed';
import { launchChromium } from '../tests/e2e/browser';

const N = 100_000;
const PAGES = 20;
const LIMIT = 200;

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))]!;
const ms = (v: number) => v.toFixed(2);

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synood-gallery-bench-'));
  const rendererDir = path.resolve('out/renderer');
  if (!fs.existsSync(path.join(rendererDir, 'index.html'))) throw new Error('renderer build missing: run npm run build:renderer first');
  const { studio, host } = await runBrowserMode({ homeDir: path.join(dir, 'home'), rendererDir });
  try {
    const created = await studio.call('project.create', { dir: path.join(dir, 'project'), name: 'gallery bench' });
    if (!created.ok) throw new Error(created.error.message);
    let t = performance.now();
    await seedProject(studio.project!, { candidates: N, classes: 12, imagesPerClass: 10, pictures: 96 });
    console.log(`seeded ${N.toLocaleString()} candidates in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    const db = studio.project!.db;
    const classId = db.prepare('SELECT id FROM classes ORDER BY id LIMIT 1').pluck().get() as number;
    const views = [
      { sort: 'created', desc: true, filter: {} },
      { sort: 'energy', desc: true, filter: {} },
      { sort: 'msp', desc: false, filter: { status: 'new' } },
      { sort: 'neglabel_score', desc: true, filter: { objective: 'energy' } },
      { sort: 'source_class_prob', desc: true, filter: { status: 'new', sourceClassProb: { min: 0.5 } } },
      { sort: 'label_margin', desc: false, filter: { classId } },
      { sort: 'energy', desc: false, filter: { classId, status: 'new', msp: { min: 0.3, max: 0.7 } } },
    ];
    const later: number[] = [];
    const first: number[] = [];
    for (let round = 0; round < 3; round++)
      for (const v of views) {
        let after: string | null = null;
        for (let p = 0; p < PAGES; p++) {
          t = performance.now();
          const r = await studio.call('candidate.list', { ...v, limit: LIMIT, ...(after ? { after } : {}) });
          const dt = performance.now() - t;
          if (!r.ok) throw new Error(r.error.message);
          (p === 0 ? first : later).push(dt);
          after = (r.value as { next: string | null }).next;
          if (!after) break;
        }
      }
    const ref: number[] = [];
    const refStmt = db.prepare('SELECT * FROM candidates WHERE id > ? ORDER BY id LIMIT ?');
    for (let i = 0; i < 200; i++) {
      t = performance.now();
      refStmt.all((i * 997) % (N - LIMIT), LIMIT);
      ref.push(performance.now() - t);
    }
    const allPages = [...first, ...later];
    console.log(`candidate.list, ${LIMIT} rows a page: p95 ${ms(p95(allPages))} ms over ${allPages.length} pages (first pages, with the count: p95 ${ms(p95(first))} ms; deeper pages: p95 ${ms(p95(later))} ms)`);
    console.log(`reference (raw SQLite page by primary key, no join): p95 ${ms(p95(ref))} ms`);

    const browser = await launchChromium(path.join(dir, 'chromium'), { width: 1600, height: 1000 });
    const page = await browser.newPage();
    await page.goto(host.url);
    await page.getByTestId('nav-curate').waitFor();
    t = performance.now();
    await page.getByTestId('nav-curate').click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="candidate-grid"] img')].some((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0), null, { polling: 'raf', timeout: 30_000 });
    const firstPaint = performance.now() - t;
    console.log(`first grid paint after clicking Curate: ${firstPaint.toFixed(0)} ms`);
    const frames = await page.evaluate(async () => {
      const el = document.querySelector('[data-testid="candidate-grid"]') as HTMLElement;
      const deltas: number[] = [];
      let last = performance.now();
      for (let i = 0; i < 180; i++) {
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        deltas.push(now - last);
        last = now;
        el.scrollTop += 600;
      }
      return { deltas: deltas.slice(1), scrolled: el.scrollTop, cells: document.querySelectorAll('[data-testid^="cand-"]').length };
    });
    const loadedRows = await page.evaluate(() => document.querySelectorAll('[data-testid="candidate-grid"] .cell:not(.placeholder)').length);
    await browser.close();
    const scrollP95 = p95(frames.deltas);
    console.log(`scroll: ${frames.deltas.length} frames, ${frames.scrolled.toLocaleString()} px, p95 frame ${ms(scrollP95)} ms, median ${ms([...frames.deltas].sort((a, b) => a - b)[frames.deltas.length >> 1]!)} ms; ${loadedRows} filled cells in view at the end`);
    console.log(`goals: p95 page < 20 ms ${p95(allPages) < 20 ? 'met' : 'MISSED'}; first paint < 1500 ms ${firstPaint < 1500 ? 'met' : 'MISSED'}`);
    console.log(
      `RESULT p95_page_ms=${ms(p95(allPages))} p95_first_page_ms=${ms(p95(first))} p95_deeper_page_ms=${ms(p95(later))} ref_page_ms=${ms(p95(ref))} page_vs_ref=${(p95(allPages) / p95(ref)).toFixed(1)} first_paint_ms=${firstPaint.toFixed(0)} scroll_p95_frame_ms=${ms(scrollP95)}`,
    );
  } finally {
    await host.close();
    await studio.close();
    fs.rmSync(dir, { recursive: true, force: true });
}
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
