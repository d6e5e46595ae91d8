// @vitest-environment jsdom
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent, StudioApi } from '../../src/shared/api';
import { touchedBy, withJobRefresh } from '../../src/renderer/src/api/job-refresh';
import { jobContracts } from '../../src/shared/jobs';
import { hashOf, PAGES, pageFromHash } from '../../src/renderer/src/navigation';
import { chartSvg, legendRows } from '../../src/renderer/src/components/download';
import { runColour } from '../../src/renderer/src/pages/runs/palette';
import { runLabel, settingLabel, settingValue } from '../../src/renderer/src/pages/runs/setting-labels';
import { LATEX_PACKAGES, latexTable } from '../../src/main/services/compare-table';
import { readRecent, rememberRecent } from '../../src/main/services/recent-projects';
import { tmpDir } from '../helpers/tmp';

/** A StudioApi whose events the test pushes and whose job.get answers from a table. */
function fakeApi(kinds: Record<number, string>) {
  const listeners = new Set<(e: ApiEvent) => void>();
  const calls: number[] = [];
  const api: StudioApi = {
    call: (async (name: string, input: { id: number }) => {
      if (name !== 'job.get') throw new Error(`unexpected ${name}`);
      calls.push(input.id);
      if (!(input.id in kinds)) throw new Error('no such job');
      return { id: input.id, kind: kinds[input.id] };
    }) as StudioApi['call'],
    onEvent: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    fileUrl: (rel) => rel,
  };
  return { api, calls, listeners, push: (e: ApiEvent) => listeners.forEach((l) => l(e)) };
}

const progress = (jobId: number, done: number): ApiEvent => ({ type: 'job.progress', jobId, at: 0, progress: { total: 4, done, failed: 0, itemsPerSec: null, etaSec: null, current: null } });
const completed = (jobId: number): ApiEvent => ({ type: 'job.state', jobId, at: 0, state: { status: 'completed', at: 0, startedAt: 0 } });

describe('job events refresh what the job writes', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('refreshes at once when a job changes state, and after (not during) a burst of progress', async () => {
    const f = fakeApi({ 7: 'evaluate.run', 8: 'describe.images' });
    const api = withJobRefresh(f.api, { progressMs: 500 });
    const seen: string[] = [];
    const off = api.onEvent((e) => e.type === 'data.changed' && seen.push(e.entity));
    for (let i = 1; i <= 3; i++) f.push(progress(7, i));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(seen).toEqual(['runs']);
    f.push(progress(7, 4));
    f.push(completed(7));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['runs', 'runs']);
    // The completion superseded the pending progress refresh.
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen).toEqual(['runs', 'runs']);
    f.push(completed(8));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual(['runs', 'runs', 'prompts']);
    // Each job's kind is asked for once.
    expect(f.calls).toEqual([7, 8]);
    off();
    expect(f.listeners.size).toBe(0);
  });

  it('passes every event through, ignores jobs it cannot look up, and forgets kinds when the project changes', async () => {
    const f = fakeApi({ 1: 'dataset.import' });
    const api = withJobRefresh(f.api);
    const seen: ApiEvent[] = [];
    api.onEvent((e) => seen.push(e));
    f.push(completed(99));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.map((e) => e.type)).toEqual(['job.state']);
    f.push(completed(1));
    await vi.advanceTimersByTimeAsync(0);
    expect(seen.filter((e) => e.type === 'data.changed').map((e) => (e as { entity: string }).entity)).toEqual(['datasets', 'images']);
    f.push({ type: 'data.changed', entity: 'projects', at: 0 });
    f.push(completed(1));
    await vi.advanceTimersByTimeAsync(0);
    expect(f.calls).toEqual([99, 1, 1]);
  });

  it('names what every job kind writes', () => {
    for (const { kind } of jobContracts) expect(touchedBy(kind).length, kind).toBeGreaterThan(0);
    expect(touchedBy('no.such-kind')).toEqual([]);
  });
});

describe('the page in the URL', () => {
  it('reads a page from the hash and writes it back', () => {
    for (const p of PAGES) expect(pageFromHash(hashOf(p.id))).toBe(p.id);
    expect(pageFromHash('#/evaluate?run=3')).toBe('evaluate');
    expect(pageFromHash('#evaluate')).toBe('evaluate');
    expect(pageFromHash('')).toBeNull();
    expect(pageFromHash('#/nowhere')).toBeNull();
  });
});

describe('charts and tables for people', () => {
  it('gives a run one colour whatever else is selected', () => {
    expect(runColour(3)).toBe(runColour(3));
    expect(new Set([1, 2, 3, 4].map(runColour)).size).toBe(4);
  });

  it('names settings, with the key itself as the fallback, and shows values by name', () => {
    expect(settingLabel('generation.reduction')).toBe('Guidance loss reduction');
    expect(settingLabel('scoring.projection')).toBe('Projection at test time');
    expect(settingLabel('something.new')).toBe('something.new');
    expect(settingValue('kind', 'zero-shot')).toBe('Zero-shot baseline (NegLabel)');
    expect(settingValue('scoring.runKind', 'labels')).toBe('Tuned label features (stage 2)');
    expect(settingValue('scoring.projectionRunId', '2', (id) => (id === 2 ? 'SynOOD' : undefined))).toBe('SynOOD (#2)');
    expect(settingValue('scoring.projectionRunId', 'null')).toBe('none');
    expect(settingValue('scoring.projection', 'true')).toBe('yes');
    expect(settingValue('scoring.indDatasets', '["a","b"]')).toBe('a, b');
    expect(settingValue('lr', null)).toBe('—');
  });

  it('adds a run kind to a name only when the name does not already say it', () => {
    expect(runLabel({ name: 'NegLabel (zero-shot)', kind: 'zero-shot' })).toBe('NegLabel (zero-shot)');
    expect(runLabel({ name: 'SynOOD stage 2 only (tuned label features)', kind: 'labels' })).toBe('SynOOD stage 2 only (tuned label features)');
    expect(runLabel({ name: 'run A', kind: 'projection' })).toBe('run A (projection)');
  });

  it('says at the top of the LaTeX which packages it needs', () => {
    const tex = latexTable(['SUN'], [{ name: 'x', sets: new Map(), average: null }]);
    const comments = tex.split('\n').filter((l) => l.startsWith('%'));
    expect(tex.startsWith('%')).toBe(true);
    for (const p of LATEX_PACKAGES) expect(comments.join('\n')).toContain(`\\usepackage{${p}}`);
    expect([...LATEX_PACKAGES]).toEqual(['booktabs', 'multirow']);
  });

  it('draws the legend into an exported chart, in rows no wider than it', () => {
    const rows = legendRows(
      ['a'.repeat(30), 'b'.repeat(30), 'c'].map((name) => ({ name, colour: '#000' })),
      300,
      (t) => t.length * 7,
    );
    expect(rows.map((r) => r.map((x) => x.entry.name[0]))).toEqual([['a'], ['b', 'c']]);
    document.body.innerHTML = '<div id="c"><div class="recharts-wrapper"><svg class="recharts-surface" width="400" height="200" viewBox="0 0 400 200"><path d="M0 0L1 1"/></svg></div></div>';
    const drawn = chartSvg(document.getElementById('c'), [
      { name: 'NegLabel (zero-shot)', colour: '#2ca02c', dashed: true },
      { name: 'SynOOD', colour: '#d62728' },
    ])!;
    expect(drawn.width).toBe(400);
    expect(drawn.height).toBeGreaterThan(200);
    expect(drawn.text).toContain('NegLabel (zero-shot)</text>');
    expect(drawn.text).toContain('stroke-dasharray="5 3"');
    expect(drawn.text).toContain(`viewBox="0 0 400 ${drawn.height}"`);
    // The plot moved down below the legend, untouched.
    expect(drawn.text).toMatch(/<g transform="translate\(0,\d+\)"><path d="M0 0L1 1"/);
  });
});

describe('recent projects', () => {
  it('lists each live project folder once, by its real path, newest first, and forgets the rest', () => {
    const t = tmpDir('synood-recent-');
    try {
      const home = path.join(t.dir, 'home');
      const a = path.join(t.dir, 'a');
      const b = path.join(t.dir, 'b');
      for (const d of [a, b]) {
        fs.mkdirSync(d);
        fs.writeFileSync(path.join(d, 'synood.db'), '');
      }
      fs.symlinkSync(a, path.join(t.dir, 'a-link'));
      fs.mkdirSync(home);
      fs.writeFileSync(
        path.join(home, 'recent-projects.json'),
        JSON.stringify([
          { dir: `${a}/`, name: 'tmp', openedAt: 5 },
          { dir: path.join(t.dir, 'a-link'), name: 'tmp', openedAt: 4 },
          { dir: path.join(t.dir, 'gone'), name: 'tmp', openedAt: 3 },
          { dir: path.join(b, '..', 'b'), name: 'other', openedAt: 2 },
          { nonsense: true },
        ]),
      );
      expect(readRecent(home).map((e) => [e.dir, e.name])).toEqual([
        [a, 'tmp'],
        [b, 'other'],
      ]);
      rememberRecent(home, path.join(t.dir, 'a-link'), 'tmp');
      const stored = JSON.parse(fs.readFileSync(path.join(home, 'recent-projects.json'), 'utf8')) as { dir: string }[];
      expect(stored.map((e) => e.dir)).toEqual([a, b]);
    } finally {
      t.cleanup();
    }
  });
});
