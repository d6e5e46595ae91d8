// @vitest-environment jsdom
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { Studio } from '../../src/main/root';
import { SETTING_FLAGS } from '../../src/main/shard/plan-flags';
import { ApiProvider } from '../../src/renderer/src/api/context';
import { GeneratePage } from '../../src/renderer/src/pages/GeneratePage';
import { GenerateSettings } from '../../src/shared/api';
import { DEFAULT_OBJECTIVE, OBJECTIVE_INFO } from '../../src/shared/guidance';
import { tmpDir, waitFor } from '../helpers/tmp';
import { writeImageFolder } from '../helpers/images';
import { directApi } from './direct-api';

// One default objective everywhere (docs/METHOD.md §3): the official code's loss. The route schema, the shard
// writers' flags and the Generate page read it from one constant; the CLI's help is checked against the route
// schema in tests/cli/help.test.ts and the demo's printed objective in tests/demo/demo.test.ts.
describe('the default guidance objective', () => {
  let t: ReturnType<typeof tmpDir>;
  let studio: Studio;
  beforeAll(async () => {
    t = tmpDir();
    await writeImageFolder(path.join(t.dir, 'img'), ['cat', 'dog'], 2);
    studio = new Studio({ transport: 'direct', homeDir: path.join(t.dir, 'home') });
    const r = await studio.call('project.create', { dir: path.join(t.dir, 'p'), name: 'objective' });
    expect(r.ok).toBe(true);
    const imported = await studio.call('dataset.import', { name: 'train', kind: 'ind-train', source: { type: 'folder', path: path.join(t.dir, 'img'), layout: 'imagefolder' } });
    if (!imported.ok) throw new Error(imported.error.message);
    const jobId = (imported.value as { jobId: number }).jobId;
    await waitFor(async () => {
      const j = await studio.call('job.get', { id: jobId });
      return j.ok && (j.value as { state: { status: string } }).state.status === 'completed';
    }, 60_000);
  });
  afterAll(async () => {
    cleanup();
    await studio.close();
    t.cleanup();
  });

  it('is the official code loss in the route schema and the shard flags', () => {
    expect(DEFAULT_OBJECTIVE).toBe('official');
    expect(GenerateSettings.parse({}).objective).toBe('official');
    expect(SETTING_FLAGS.find((f) => f.key === 'objective')!.help).toMatch(/default official\)/);
  });

  it('is what the Generate page shows, labelled as the official code’s, with its effect toward OOD', async () => {
    render(
      <ApiProvider api={directApi(studio)}>
        <GeneratePage onNavigate={() => undefined} />
      </ApiProvider>,
    );
    const select = await screen.findByTestId('generate-objective', undefined, { timeout: 20_000 });
    expect(within(select).getByText(`${OBJECTIVE_INFO.official.label} — official code`)).toBeTruthy();
    const origins = screen.getByTestId('generate-origins').textContent ?? '';
    expect(origins).toContain('Objective: official code');
    expect(origins).toContain('raises s = mean(f) − logsumexp(f)');
  });
});
