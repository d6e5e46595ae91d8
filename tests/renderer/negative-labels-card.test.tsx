// @vitest-environment jsdom
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ApiProvider } from '../../src/renderer/src/api/context';
import { NegativeLabelsCard } from '../../src/renderer/src/pages/NegativeLabelsCard';
import { tmpDir } from '../helpers/tmp';
import { directApi } from './direct-api';
import { seededStudio } from './seeded-studio';

describe('Negative labels card over a real seeded studio', () => {
  let s: Awaited<ReturnType<typeof seededStudio>>;
  const t = tmpDir('synood-ui-lists-');
  const pick = async (select: string, option: string) => {
    fireEvent.mouseDown(within(screen.getByTestId(select)).getByRole('combobox'));
    fireEvent.click(await screen.findByRole('option', { name: option }));
  };
  const typePath = (p: string) => fireEvent.change(screen.getByTestId('mine-word-list'), { target: { value: p } });

  beforeAll(async () => {
    s = await seededStudio({ candidates: 4 });
    render(
      <ApiProvider api={directApi(s.studio)}>
        <NegativeLabelsCard />
      </ApiProvider>,
    );
  });
  afterAll(async () => {
    cleanup();
    await s.close();
    t.cleanup();
  });

  it('shows the refusal of a bad word list and queues nothing', async () => {
    await waitFor(() => expect(screen.getByTestId('negative-labels-current').textContent).toMatch(/selected/));
    const jobs = () => s.studio.project!.db.prepare('SELECT count(*) FROM jobs').pluck().get() as number;
    const before = jobs();
    const bad = path.join(t.dir, 'bad.txt');
    fs.writeFileSync(bad, 'kite\nGiant_Panda\n');
    await pick('mine-source', 'Word-list file');
    typePath(bad);
    await act(async () => fireEvent.click(screen.getByTestId('mine-start')));
    const alert = await screen.findByTestId('mine-error');
    expect(alert.textContent).toContain(bad);
    expect(alert.textContent).toMatch(/line 2: label "Giant_Panda" is the InD class "giant panda"/);
    expect(jobs()).toBe(before);
  });

  it('uses a fixed list and then says where the labels came from', async () => {
    const good = path.join(t.dir, 'fixed.txt');
    fs.writeFileSync(good, 'kite\nquartz\nwoolly\tadj\n');
    await pick('mine-mode', 'as the negative labels (fixed)');
    typePath(good);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Use as negative labels' })));
    await screen.findByText(/the 3 listed labels become the negative labels/);
    await waitFor(() => expect(screen.getByTestId('negative-labels-source').textContent).toContain(`From fixed list ${good} (used as it is, not mined, 3 labels)`), { timeout: 20_000 });
    await waitFor(() => expect(screen.getByTestId('negative-labels-current').textContent).toBe('3 selected (2 nouns, 1 adjective).'));
    expect(screen.queryByTestId('mine-error')).toBeNull();
  }, 30_000);
});
