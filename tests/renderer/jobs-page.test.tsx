// @vitest-environment jsdom
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Studio } from '../../src/main/root';
import { ApiProvider } from '../../src/renderer/src/api/context';
import { JobsPage } from '../../src/renderer/src/pages/JobsPage';
import { formatEta } from '../../src/renderer/src/components/JobsStrip';
import { tmpDir } from '../helpers/tmp';
import { writeImageFolder } from '../helpers/images';
import { directApi } from './direct-api';

describe('JobsPage over a real studio', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  beforeAll(async () => {
    t = tmpDir();
    await writeImageFolder(path.join(t.dir, 'img'), ['a', 'b'], 15);
    studio = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home') });
    const r = await studio.call('project.create', { dir: path.join(t.dir, 'p'), name: 'ui' });
    expect(r.ok).toBe(true);
  });
  afterAll(async () => {
    cleanup();
    await studio.close();
    t.cleanup();
  });

  it('formats ETAs for people', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(42.4)).toBe('42 s');
    expect(formatEta(125)).toBe('2 min 5 s');
    expect(formatEta(7260)).toBe('2 h 1 min');
  });

  it('shows the empty state, then a job whose Pause button really pauses it', async () => {
    render(
      <ApiProvider api={directApi(studio)}>
        <JobsPage />
      </ApiProvider>,
    );
    await screen.findByText(/No jobs yet/);
    let jobId = 0;
    await act(async () => {
      const r = await studio.call('dataset.import', { name: 'slow', kind: 'ind-train', source: { type: 'folder', path: path.join(t.dir, 'img'), layout: 'imagefolder' }, paceMs: 200 });
      if (!r.ok) throw new Error(r.error.message);
      jobId = (r.value as { jobId: number }).jobId;
    });
    const pause = await screen.findByRole('button', { name: 'Pause' }, { timeout: 10_000 });
    fireEvent.click(pause);
    await waitFor(async () => {
      const r = await studio.call('job.get', { id: jobId });
      expect(r.ok && (r.value as { state: { status: string } }).state.status).toBe('paused');
    });
    await screen.findByRole('button', { name: 'Resume' }, { timeout: 10_000 });
  });
});
