/**
 * The curation gallery at 100k candidates (issue 6, Speed; issue 13, scroll). Run: npm run bench:gallery
 * 1. p95 time of `candidate.list` pages in the main process (through the API dispatch, zod validation included),
 *    over several sorts and filters, paging 20 keyset pages deep; first pages (which also count the view) apart.
 *    Reference in the same run: the cheapest page SQLite can serve (primary-key order, no join, no filter).
 * 2. Time to first grid paint in Chromium (browser mode): click on "Curate" → first thumbnail decoded on screen.
 * 3. Scroll frame COST (the goal's measure): CPU time of the page's renderer main thread a frame, from a Chromium
 *    trace (thread time of every top-level task from one frame's start to the next's: scroll events, React renders,
 *    page fetch callbacks, rAF, style, layout, paint), while the grid scrolls from the top at realistic speeds, a
 *    fixed step every frame: 2400 px/s (40 px a frame: a brisk wheel scroll, every thumbnail loads) and 8000 px/s
 *    (133 px a frame: a fast trackpad scroll, captions drawn, thumbnails wait), 180 frames each; and on the idle page
 *    (the measure's floor). Why not frame intervals: headless Chromium's frames are paced at 60 Hz (its flags
 *    --disable-frame-rate-limit and --disable-gpu-vsync do not unpace them here), so an interval is never below
 *    16.7 ms and jitters above it with zero work (an idle page's p95 is 17-30 ms on this shared machine), while thread
 *    time is what a frame costs the page, not inflated by waiting for a core. Not counted: raster and compositing,
 *    on other threads. Also prints how complete the view was during each scroll (sampled every 10th frame) and saves
 *    a screenshot as each ends (test-results/bench/gallery-<label>-<wheel|fast>.png).
 * 4. The former measure, kept for comparison: requestAnimationFrame deltas (performance.now() in the callback, as
 *    since issue 6) while the grid scrolls 600 px per frame (180 frames); the same scroll's frame intervals by the rAF timestamps; the same
 *    measure on the idle page (no scroll) as its floor on this machine; then 40 px per frame (slow enough that every
 *    thumbnail coming into view loads: the grid defers them and draws skeleton rows in a fling); and how long after
 *    the fast scroll the view is complete (rows drawn in full, cells with their data).
 * Goals: p95 page < 20 ms, first paint < 1.5 s, p95 scroll frame cost ≤ 16.7 ms at both speeds (the interval
 * measures are reported beside it, with their idle floor).
 *
 * Options (environment):
 *   BENCH_GALLERY_RENDERERS=before=/tmp/old/out/renderer,after=out/renderer  several renderer builds against the same
 *     seeded project, in interleaved rounds (same machine load for each): before/after figures from one run.
 *   BENCH_GALLERY_ROUNDS=n  scroll measurements per renderer (default 1; 3 when comparing), p95 over all their frames.
 *   BENCH_GALLERY_CSS=...  extra CSS added to the page (experiments).
 *   BENCH_GALLERY_PROFILE=dir  also record, in two more scrolls, a Chromium trace and a V8 CPU profile of the
 *     renderer (dir/<label>.trace.json, dir/<label>.cpuprofile) and print where the main thread's time goes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { runBrowserMode } from '../src/main/browser-mode';
import { seedProject } from '../src/main/dev/seed';
import { startBrowserHost, type BrowserHost } from '../src/main/host/server';
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

    const renderers = (process.env.BENCH_GALLERY_RENDERERS ?? `=${rendererDir}`).split(',').map((spec) => {
      const [label, dir] = spec.includes('=') ? [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)] : ['', spec];
      return { label: label!, dir: path.resolve(dir!) };
    });
    const rounds = Number(process.env.BENCH_GALLERY_ROUNDS ?? (renderers.length > 1 ? 3 : 1));
    const hosts: BrowserHost[] = [];
    for (const r of renderers) hosts.push(r.dir === rendererDir ? host : await startBrowserHost(studio, { rendererDir: r.dir }));
    const costOf = () => ({ cpu: [] as number[], wall: [] as number[], intervals: [] as number[], views: [] as { rows: number; skeletons: number; cells: number; thumbs: number }[], self: new Map<string, number>() });
    const results = renderers.map(() => ({
      firstPaint: [] as number[],
      deltas: [] as number[],
      slow: [] as number[],
      filled: [] as number[],
      frameDeltas: [] as number[],
      idle: [] as number[],
      roundP95: [] as number[],
      loadedRows: 0,
      scrolled: 0,
      cost: { idle: costOf(), wheel: costOf(), fast: costOf() },
    }));
    const shots = path.resolve('test-results/bench');
    fs.mkdirSync(shots, { recursive: true });
    const browser = await launchChromium(path.join(dir, 'chromium'), { width: 1600, height: 1000 });
    try {
      for (let round = 0; round < rounds; round++)
        for (let k = 0; k < renderers.length; k++) {
          const page = await browser.newPage();
          const r = await openCurate(page, hosts[k]!.url);
          const res = results[k]!;
          // Frame cost, from the top of the gallery: the idle page (the floor), then a wheel scroll, then a fast one.
          for (const kind of ['idle', 'wheel', 'fast'] as const) {
            const f = await frameCosts(page, kind);
            const acc = res.cost[kind];
            acc.cpu.push(...f.cpu);
            acc.wall.push(...f.wall);
            acc.intervals.push(...f.intervals);
            acc.views.push(...f.views);
            for (const [key, v] of f.self) acc.self.set(key, (acc.self.get(key) ?? 0) + v);
            // What a user sees just as the scroll ends (the grid still counts as scrolling for 150 ms).
            if (round === 0 && kind !== 'idle') await page.screenshot({ path: path.join(shots, `gallery-${renderers[k]!.label || 'renderer'}-${kind}.png`) });
          }
          // Reference: the same page, not scrolling: the floor of this measure on this machine (timer jitter, load).
          const idle = await scrollFrames(page, 0);
          const frames = await scrollFrames(page);
          // Then slowly (40 px a frame, 2.4 px/ms at 60 Hz), where every thumbnail that comes into view loads.
          await page.waitForTimeout(300);
          const slow = await scrollFrames(page, 40);
          res.slow.push(...slow.deltas);
          res.firstPaint.push(r);
          res.deltas.push(...frames.deltas);
          res.frameDeltas.push(...frames.frameDeltas);
          res.idle.push(...idle.deltas);
          res.roundP95.push(p95(frames.deltas));
          res.loadedRows = frames.loadedRows;
          res.filled.push(frames.filledMs);
          res.scrolled = frames.scrolled;
          await page.close();
        }
      const profileDir = process.env.BENCH_GALLERY_PROFILE;
      if (profileDir) {
        fs.mkdirSync(profileDir, { recursive: true });
        for (let k = 0; k < renderers.length; k++) {
          const page = await browser.newPage();
          await openCurate(page, hosts[k]!.url);
          await profileScroll(page, path.join(profileDir, renderers[k]!.label || 'gallery'), renderers[k]!.label);
          await page.close();
        }
      }
    } finally {
      await browser.close();
      for (const h of hosts) if (h !== host) await h.close();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const resultParts: string[] = [];
    renderers.forEach((r, k) => {
      const res = results[k]!;
      if (!res.deltas.length) return; // BENCH_GALLERY_ROUNDS=0: profile only
      const tag = r.label ? `[${r.label}] ` : '';
      const firstPaint = median(res.firstPaint);
      const scrollP95 = p95(res.deltas);
      console.log(`${tag}first grid paint after clicking Curate: ${firstPaint.toFixed(0)} ms${res.firstPaint.length > 1 ? ` (median of ${res.firstPaint.length})` : ''}`);
      console.log(
        `${tag}scroll: ${res.deltas.length} frames in ${rounds} round(s), ${res.scrolled.toLocaleString()} px a round, p95 frame ${ms(scrollP95)} ms (rounds: ${res.roundP95.map(ms).join(', ')}), median ${ms(median(res.deltas))} ms, frames over 16.7 ms: ${res.deltas.filter((d) => d > 16.7).length}; view complete (every cell in view with its data) ${median(res.filled).toFixed(0)} ms after the last scroll (median), ${res.loadedRows} cells`,
      );
      console.log(
        `${tag}same scroll by the frames' own timestamps (rAF argument): p95 interval ${ms(p95(res.frameDeltas))} ms, median ${ms(median(res.frameDeltas))} ms, over 16.7 ms: ${res.frameDeltas.filter((d) => d > 16.7).length}; ` +
          `idle reference (same page, no scroll, performance.now() deltas): p95 ${ms(p95(res.idle))} ms, median ${ms(median(res.idle))} ms`,
      );
      console.log(`${tag}slow scroll (40 px a frame, thumbnails loading): p95 frame ${ms(p95(res.slow))} ms, median ${ms(median(res.slow))} ms, frames over 16.7 ms: ${res.slow.filter((d) => d > 16.7).length} of ${res.slow.length}`);
      // Frame timestamps are coarsened to 0.1 ms, so a 16.67 ms frame reads 16.6 to 16.8; over 25 ms is a dropped frame.
      const dropped = res.frameDeltas.filter((d) => d > 25).length;
      console.log(
        `${tag}goals: p95 page < 20 ms ${p95(allPages) < 20 ? 'met' : 'MISSED'}; first paint < 1500 ms ${firstPaint < 1500 ? 'met' : 'MISSED'}; p95 scroll frame ≤ 16.7 ms: ` +
          `${scrollP95 <= 16.7 ? 'met' : 'MISSED'} by performance.now() deltas (${ms(scrollP95)}; this measure's idle floor here ${ms(p95(res.idle))}), ` +
          `${p95(res.frameDeltas) <= 16.8 ? 'met' : 'MISSED'} by frame timestamps (p95 ${ms(p95(res.frameDeltas))}, at 0.1 ms resolution; dropped frames ${dropped} of ${res.frameDeltas.length})`,
      );
      // Frame cost (the goal's measure): the main thread's CPU time a frame, at realistic scroll speeds, and idle.
      const cost = res.cost;
      const costLine = (kind: 'wheel' | 'fast') => {
        const c = cost[kind];
        const seen = c.views.reduce((a, v) => ({ rows: a.rows + v.rows, skeletons: a.skeletons + v.skeletons, cells: a.cells + v.cells, thumbs: a.thumbs + v.thumbs }), { rows: 0, skeletons: 0, cells: 0, thumbs: 0 });
        const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(0) : '-');
        return (
          `${kind} ${SCROLLS[kind]} px/s: p95 ${ms(p95(c.cpu))} ms (${ms(p95(c.cpu) / p95(cost.idle.cpu))}× idle), median ${ms(median(c.cpu))}, over 16.7 ms: ${c.cpu.filter((d) => d > 16.7).length} of ${c.cpu.length}; ` +
          `wall time busy p95 ${ms(p95(c.wall))} ms; frame interval p95 ${ms(p95(c.intervals))} ms; rows in view drawn in full ${pct(seen.rows - seen.skeletons, seen.rows)}%, cells in view with their thumbnail ${pct(seen.thumbs, seen.cells)}%`
        );
      };
      console.log(`${tag}frame cost (renderer main thread CPU a frame, traced): ${costLine('wheel')}`);
      console.log(`${tag}frame cost: ${costLine('fast')}`);
      console.log(`${tag}frame cost: idle reference (same page, no scroll): p95 ${ms(p95(cost.idle.cpu))} ms, median ${ms(median(cost.idle.cpu))} ms; frame interval p95 ${ms(p95(cost.idle.intervals))} ms`);
      for (const kind of ['wheel', 'fast'] as const) {
        const n = cost[kind].cpu.length || 1;
        const top = [...cost[kind].self].sort((a, b) => b[1] - a[1]).slice(0, 10);
        console.log(`${tag}${kind} scroll, main thread CPU a frame by trace event (exclusive): ${top.map(([key, v]) => `${key} ${(v / n).toFixed(2)}`).join(', ')}`);
      }
      const costMet = p95(cost.wheel.cpu) <= 16.7 && p95(cost.fast.cpu) <= 16.7;
      console.log(`${tag}goal p95 scroll frame cost ≤ 16.7 ms (main thread CPU a frame at ${SCROLLS.wheel} and ${SCROLLS.fast} px/s): ${costMet ? 'met' : 'MISSED'} (${ms(p95(cost.wheel.cpu))}, ${ms(p95(cost.fast.cpu))})`);
      const sfx = r.label ? `_${r.label.replace(/\W/g, '_')}` : '';
      resultParts.push(
        `frame_cost_p95_ms_wheel${sfx}=${ms(p95(cost.wheel.cpu))} frame_cost_p95_ms_fast${sfx}=${ms(p95(cost.fast.cpu))} frame_cost_p95_ms_idle${sfx}=${ms(p95(cost.idle.cpu))} wheel_vs_idle${sfx}=${(p95(cost.wheel.cpu) / p95(cost.idle.cpu)).toFixed(1)} fast_vs_idle${sfx}=${(p95(cost.fast.cpu) / p95(cost.idle.cpu)).toFixed(1)}`,
      );
      resultParts.push(`first_paint_ms${sfx}=${firstPaint.toFixed(0)} scroll_p95_frame_ms${sfx}=${ms(scrollP95)} scroll_p95_frame_interval_ms${sfx}=${ms(p95(res.frameDeltas))} scroll_dropped_frames${sfx}=${res.frameDeltas.filter((d) => d > 25).length} idle_p95_frame_ms${sfx}=${ms(p95(res.idle))} view_complete_after_scroll_ms${sfx}=${median(res.filled).toFixed(0)} slow_scroll_p95_frame_ms${sfx}=${ms(p95(res.slow))}`);
    });
    // Before/after in one run: the ratio of frame costs.
    const before = renderers.findIndex((r) => r.label === 'before');
    const after = renderers.findIndex((r) => r.label === 'after');
    if (before >= 0 && after >= 0 && results[before]!.cost.wheel.cpu.length && results[after]!.cost.wheel.cpu.length) {
      const b = results[before]!.cost;
      const a = results[after]!.cost;
      resultParts.push(`frame_cost_after_vs_before_wheel=${(p95(a.wheel.cpu) / p95(b.wheel.cpu)).toFixed(2)} frame_cost_after_vs_before_fast=${(p95(a.fast.cpu) / p95(b.fast.cpu)).toFixed(2)}`);
    }
    console.log(
      `RESULT p95_page_ms=${ms(p95(allPages))} p95_first_page_ms=${ms(p95(first))} p95_deeper_page_ms=${ms(p95(later))} ref_page_ms=${ms(p95(ref))} page_vs_ref=${(p95(allPages) / p95(ref)).toFixed(1)} ${resultParts.join(' ')}`,
    );
  } finally {
    await host.close();
    await studio.close();
    fs.rmSync(dir, { recursive: true, force: true });
}
}

/** Opens the studio and the Curate page; ms from the click to the first thumbnail decoded on screen. */
async function openCurate(page: Page, url: string): Promise<number> {
  await page.goto(url);
  // Experiments: extra CSS for the page (BENCH_GALLERY_CSS='.synood-candidate-grid { ... }').
  if (process.env.BENCH_GALLERY_CSS) await page.addStyleTag({ content: process.env.BENCH_GALLERY_CSS });
  await page.getByTestId('nav-curate').waitFor();
  const t = performance.now();
  await page.getByTestId('nav-curate').click();
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="candidate-grid"] img')].some((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0), null, { polling: 'raf', timeout: 30_000 });
  const firstPaint = performance.now() - t;
  return firstPaint;
}

/** 180 frames, `step` px a frame (600: the fling the goal is set for): the requestAnimationFrame deltas. */
async function scrollFrames(page: Page, step = 600) {
  return page.evaluate(async (step) => {
    const el = document.querySelector('[data-testid="candidate-grid"]') as HTMLElement;
    const deltas: number[] = [];
    // Also the frames' own timestamps (the argument of the rAF callback: when the frame began), whose deltas are the
    // frame intervals without the wake-up latency of the callback that performance.now() includes.
    const stamps: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 180; i++) {
      stamps.push(await new Promise<number>((r) => requestAnimationFrame(r)));
      const now = performance.now();
      deltas.push(now - last);
      last = now;
      el.scrollTop += step;
    }
    const frameDeltas = stamps.slice(1).map((t, i) => t - stamps[i]!);
    if (step === 0) return { deltas: deltas.slice(1), frameDeltas, scrolled: 0, loadedRows: 0, filledMs: 0 };
    // How long after the last scroll the view is complete: every row in view drawn in full, every cell with its data.
    const stopped = performance.now();
    const view = el.getBoundingClientRect();
    // (No named functions in here: tsx would wrap them in a helper the page does not have.)
    for (;;) {
      let rows = 0;
      let incomplete = 0;
      for (const row of el.querySelectorAll('.row')) {
        const r = row.getBoundingClientRect();
        if (r.bottom <= view.top || r.top >= view.bottom) continue;
        rows++;
        if (row.classList.contains('skeleton') || row.querySelector('.cell.placeholder')) incomplete++;
      }
      if ((rows > 0 && incomplete === 0) || performance.now() - stopped > 15_000) break;
      await new Promise((r) => requestAnimationFrame(r));
    }
    const filledMs = performance.now() - stopped;
    const loadedRows = el.querySelectorAll('.cell:not(.placeholder)').length;
    return { deltas: deltas.slice(1), frameDeltas, scrolled: el.scrollTop, loadedRows, filledMs };
  }, step);
}

/**
 * Realistic scroll speeds, px/s (applied per frame at 60 Hz): `wheel` is a brisk mouse-wheel scroll, at which every
 * thumbnail loads; `fast` a fast trackpad scroll through a long gallery (cells with captions; thumbnails wait until it
 * slows). The 600 px a frame of the former measure (36,000 px/s) is a scrollbar drag.
 */
const SCROLLS = { wheel: 2400, fast: 8000 } as const;
type ScrollKind = keyof typeof SCROLLS | 'idle';

type TraceEvent = { name: string; cat?: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number; args?: { name?: string; data?: { type?: string } } };

/**
 * Frame cost under a Chromium trace: the CPU time (thread time, so that waiting for a core on a loaded machine does
 * not count) of the page's renderer main thread from the start of one frame's rendering task to the next one's: every
 * top-level task in between (input and scroll events, React renders, page fetch callbacks, rAF, style, layout, paint).
 * Frames are delimited by the rAF callbacks of the scroll loop, which requests one every frame. `idle`: the same page, not
 * scrolling (the measure's floor: the recorder, the compositor's begin-frames). Also returns what the frames were made
 * of (exclusive thread time by trace event) and, every 10th frame, how complete the view was.
 */
async function frameCosts(page: Page, kind: ScrollKind) {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => void events.push(...(d.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline', transferMode: 'ReportEvents' });
  // 180 frames: each scrolls the grid by the same step, so that a frame's work does not grow when a loaded machine
  // makes frames late (a time-based scroll would cover more rows a frame); every 10th, a look at the rows in view.
  const step = kind === 'idle' ? 0 : SCROLLS[kind] / 60;
  const views = await page.evaluate(async (step) => {
    const el = document.querySelector('[data-testid="candidate-grid"]') as HTMLElement;
    const views: { rows: number; skeletons: number; cells: number; thumbs: number }[] = [];
    for (let i = 0; i < 180; i++) {
      await new Promise((r) => requestAnimationFrame(r));
      el.scrollTop += step;
      if (i % 10 !== 9) continue;
      const view = el.getBoundingClientRect();
      const v = { rows: 0, skeletons: 0, cells: 0, thumbs: 0 };
      for (const row of el.querySelectorAll('.row')) {
        const r = row.getBoundingClientRect();
        if (r.bottom <= view.top || r.top >= view.bottom) continue;
        v.rows++;
        if (row.classList.contains('skeleton')) v.skeletons++;
        for (const cell of row.querySelectorAll('.cell')) {
          v.cells++;
          const img = cell.querySelector('img');
          if (img && img.complete && img.naturalWidth > 0) v.thumbs++;
        }
      }
      views.push(v);
    }
    return views;
  }, step);
  await cdp.send('Tracing.end');
  // (The limit counts from the end of the scroll: on a loaded machine the scroll itself may take minutes.)
  await Promise.race([complete, new Promise((_, reject) => setTimeout(() => reject(new Error('tracing did not complete in 120 s')), 120_000).unref())]);
  await cdp.detach();

  // The page's main thread: the thread that ran the recorder's rAF callbacks.
  const fafs = events.filter((e) => e.name === 'FireAnimationFrame');
  const byThread = new Map<string, number>();
  for (const e of fafs) byThread.set(`${e.pid}:${e.tid}`, (byThread.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
  const main = [...byThread].sort((a, b) => b[1] - a[1])[0]?.[0];
  const mine = events.filter((e) => `${e.pid}:${e.tid}` === main && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  // Top-level tasks (outermost only); a frame starts with the task that fires its rAF callbacks.
  const tasks: TraceEvent[] = [];
  for (const e of mine) if ((e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && e.tdur !== undefined && (!tasks.length || e.ts >= tasks[tasks.length - 1]!.ts + tasks[tasks.length - 1]!.dur!)) tasks.push(e);
  const starts: number[] = [];
  let t = 0;
  for (const f of mine.filter((e) => e.name === 'FireAnimationFrame')) {
    while (t < tasks.length - 1 && tasks[t]!.ts + tasks[t]!.dur! <= f.ts) t++;
    if (tasks[t] && tasks[t]!.ts <= f.ts && starts[starts.length - 1] !== t) starts.push(t);
  }
  const cpu: number[] = [];
  const wall: number[] = [];
  const intervals: number[] = [];
  // The first and last frames are the scroll loop's start and end.
  for (let k = 1; k < starts.length - 2; k++) {
    let c = 0;
    let w = 0;
    for (let i = starts[k]!; i < starts[k + 1]!; i++) {
      c += tasks[i]!.tdur! / 1000;
      w += tasks[i]!.dur! / 1000;
    }
    cpu.push(c);
    wall.push(w);
    intervals.push((tasks[starts[k + 1]!]!.ts - tasks[starts[k]!]!.ts) / 1000);
  }
  // What the time went to: thread time by trace event, exclusive of the events nested in it.
  const first = tasks[starts[1] ?? 0]?.ts ?? 0;
  const last = tasks[starts[starts.length - 2] ?? 0]?.ts ?? 0;
  const self = new Map<string, number>();
  const stack: { end: number; key: string }[] = [];
  for (const e of mine) {
    if (e.tdur === undefined || e.ts < first || e.ts >= last) continue;
    while (stack.length && stack[stack.length - 1]!.end <= e.ts) stack.pop();
    const key = e.name === 'EventDispatch' ? `EventDispatch(${e.args?.data?.type})` : e.name === 'ThreadControllerImpl::RunTask' ? 'RunTask' : e.name;
    self.set(key, (self.get(key) ?? 0) + e.tdur / 1000);
    if (stack.length) self.set(stack[stack.length - 1]!.key, self.get(stack[stack.length - 1]!.key)! - e.tdur / 1000);
    stack.push({ end: e.ts + e.dur!, key });
  }
  return { cpu, wall, intervals, views, self };
}

/**
 * Two more scrolls at the fast speed (SCROLLS.fast): one under Chromium's tracing alone (thread CPU time of the renderer's main thread, by trace event,
 * exclusive of nested events, so the figures add up), one under the V8 sampling profiler (JS self time by function).
 */
async function profileScroll(page: Page, base: string, label: string) {
  const cdp = await page.context().newCDPSession(page);
  type TraceEvent = { name: string; ph: string; ts: number; dur?: number; tdur?: number; tid: number; args?: { name?: string; data?: { type?: string } } };
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (d) => void events.push(...(d.value as unknown as TraceEvent[])));
  const done = new Promise<void>((resolve, reject) => {
    cdp.once('Tracing.tracingComplete', () => resolve());
    setTimeout(() => reject(new Error('tracing did not complete in 120 s')), 120_000).unref();
  });
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink.user_timing,v8.execute', transferMode: 'ReportEvents' });
  const frames = await scrollFrames(page, SCROLLS.fast / 60);
  await cdp.send('Tracing.end');
  await done;
  fs.writeFileSync(`${base}.trace.json`, JSON.stringify({ traceEvents: events }));
  // The page's renderer main thread: of the CrRendererMain threads, the one with the scroll events.
  const mains = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => e.tid));
  const main = events.find((e) => mains.has(e.tid) && e.name === 'EventDispatch' && e.args?.data?.type === 'scroll')?.tid;
  // Thread CPU time (tdur), not wall time: on a loaded machine wall time also counts the time the thread waited for a
  // core. Exclusive: an event's own time minus that of the events nested in it.
  const xs = events.filter((e) => e.ph === 'X' && e.tid === main && e.tdur !== undefined && e.dur !== undefined).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const self = new Map<string, number>();
  const stack: { end: number; key: string }[] = [];
  let total = 0;
  for (const e of xs) {
    while (stack.length && stack[stack.length - 1]!.end <= e.ts) stack.pop();
    const key = e.name === 'EventDispatch' ? `EventDispatch(${e.args?.data?.type})` : e.name;
    const ms = e.tdur! / 1000;
    self.set(key, (self.get(key) ?? 0) + ms);
    if (stack.length) self.set(stack[stack.length - 1]!.key, self.get(stack[stack.length - 1]!.key)! - ms);
    else total += ms;
    stack.push({ end: e.ts + e.dur!, key });
  }
  const n = frames.deltas.length + 1;
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log(`[profile ${label}] renderer main thread CPU a frame: ${(total / n).toFixed(1)} ms; exclusive, ms a frame: ${top.map(([k, v]) => `${k} ${(v / n).toFixed(2)}`).join(', ')}`);

  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  await scrollFrames(page, SCROLLS.fast / 60);
  const { profile } = (await cdp.send('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] } };
  fs.writeFileSync(`${base}.cpuprofile`, JSON.stringify(profile));
  const js = new Map<string, number>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    js.set(key, (js.get(key) ?? 0) + profile.timeDeltas[i]! / 1000);
  });
  const topJs = [...js].filter(([k]) => !/^\((idle|program)\)/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 15);
  console.log(`[profile ${label}] JS self time over a second scroll, ms: ${topJs.map(([k, v]) => `${k} ${v.toFixed(0)}`).join('; ')}`);
}

main().catch((e: Error) => {
  console.error(e);
  process.exit(1);
});
