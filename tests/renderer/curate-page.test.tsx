// @vitest-environment jsdom
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { ApiProvider } from '../../src/renderer/src/api/context';
import { CuratePage } from '../../src/renderer/src/pages/CuratePage';
import { directApi } from './direct-api';
import { installLayout, seededStudio } from './seeded-studio';

describe('Curate page over a real seeded studio', () => {
  let s: Awaited<ReturnType<typeof seededStudio>>;
  const status = (id: number) => (s.studio.project!.db.prepare('SELECT status FROM candidates WHERE id = ?').pluck().get(id) as string);
  const key = (k: string, extra: Partial<KeyboardEventInit> = {}) => act(() => void fireEvent.keyDown(window, { key: k, ...extra }));

  beforeAll(async () => {
    installLayout();
    s = await seededStudio();
    render(
      <ApiProvider api={directApi(s.studio)}>
        <CuratePage onNavigate={() => undefined} />
      </ApiProvider>,
    );
  });
  afterAll(async () => {
    cleanup();
    await s.close();
  });

  it('shows the newest new candidates first with counts and the focused one in detail', async () => {
    // The seeder writes candidate k at created_at ascending with id, so the newest is the highest id.
    await screen.findByTestId('cand-40');
    await waitFor(() => expect(screen.getByTestId('curate-counts').textContent).toMatch(/^40 in view · of this slice 40 new · 0 accepted · 0 rejected/));
    const detail = await screen.findByTestId('candidate-detail');
    await within(detail).findByText('#40');
  });

  it('accepts with A, rejects with R, moves with arrows and undoes with U and Ctrl+Z', async () => {
    await key('a');
    await waitFor(() => expect(status(40)).toBe('accepted'));
    // Accepting moves the focus on, so R rejects the next one.
    await key('r');
    await waitFor(() => expect(status(39)).toBe('rejected'));
    await key('ArrowRight');
    await key('a');
    await waitFor(() => expect(status(37)).toBe('accepted'));
    await key('u');
    await waitFor(() => expect(status(37)).toBe('new'));
    await key('z', { ctrlKey: true });
    await waitFor(() => expect(status(39)).toBe('new'));
    await key('z', { ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(status(39)).toBe('rejected'));
    // Rows keep their place after a decision and show their new state.
    await waitFor(() => expect(screen.getByTestId('cand-40').getAttribute('data-status')).toBe('accepted'));
  });

  it('selects with Space and shift-arrows, then rejects the selection as one undoable step', async () => {
    await act(async () => fireEvent.click(screen.getByTestId('cand-30')));
    await key(' ');
    await key('ArrowRight', { shiftKey: true });
    await key('ArrowRight', { shiftKey: true });
    expect(screen.getByText('3 selected')).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByTestId('reject-selection')));
    await waitFor(() => expect([30, 29, 28].map(status)).toEqual(['rejected', 'rejected', 'rejected']));
    await key('u');
    await waitFor(() => expect([30, 29, 28].map(status)).toEqual(['new', 'new', 'new']));
  });

  it('bulk-accepts the whole filtered view after confirmation, and one undo reverts it', async () => {
    const before = s.studio.project!.db.prepare("SELECT count(*) FROM candidates WHERE status = 'new'").pluck().get() as number;
    await act(async () => fireEvent.click(screen.getByTestId('accept-all')));
    await act(async () => fireEvent.click(await screen.findByTestId('bulk-confirm')));
    await waitFor(() => expect(s.studio.project!.db.prepare("SELECT count(*) FROM candidates WHERE status = 'new'").pluck().get()).toBe(0));
    await act(async () => fireEvent.click(screen.getByTestId('undo')));
    await waitFor(() => expect(s.studio.project!.db.prepare("SELECT count(*) FROM candidates WHERE status = 'new'").pluck().get()).toBe(before));
  });

  it('switches to the suggested rejects: high source-class probability, highest first', async () => {
    const expected = s.studio.project!.db.prepare("SELECT id FROM candidates WHERE status = 'new' AND source_class_prob >= 0.5 ORDER BY source_class_prob DESC, id DESC").pluck().all() as number[];
    expect(expected.length).toBeGreaterThan(0);
    await act(async () => fireEvent.click(await screen.findByTestId('suggested-rejects')));
    await waitFor(() => expect(screen.getByTestId('curate-counts').textContent).toMatch(new RegExp(`^${expected.length} in view`)));
    const shown = [...document.querySelectorAll('[data-testid^="cand-"]')].map((el) => Number(el.getAttribute('data-testid')!.slice(5)));
    expect(shown).toEqual(expected);
  });

  it('shows the keys on ?', async () => {
    await key('?');
    await screen.findByTestId('keys-help');
    expect(screen.getByText(/undo the last decision/)).toBeTruthy();
  });
});
