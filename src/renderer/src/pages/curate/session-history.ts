import { useCallback, useEffect, useState } from 'react';

/** One decision batch this session made, as the curator would name it ("reject #58", "accept all 56 in view"). */
export interface SessionStep {
  batch: number;
  description: string;
}

interface History {
  done: SessionStep[];
  undone: SessionStep[];
}

const EMPTY: History = { done: [], undone: [] };
const KEEP = 200;
const storageKey = (project: string) => `synood-curation-session:${project}`;
/** The histories of this tab, by project; sessionStorage keeps them across a reload of the tab, not beyond it. */
const memory = new Map<string, History>();

function load(project: string | null): History {
  if (project === null) return EMPTY;
  const cached = memory.get(project);
  if (cached) return cached;
  try {
    const raw = typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(storageKey(project));
    const parsed = raw ? (JSON.parse(raw) as History) : EMPTY;
    const ok = (xs: unknown): xs is SessionStep[] => Array.isArray(xs) && xs.every((x) => typeof x?.batch === 'number' && typeof x?.description === 'string');
    return ok(parsed.done) && ok(parsed.undone) ? parsed : EMPTY;
  } catch {
    return EMPTY;
  }
}

function store(project: string | null, h: History): void {
  if (project === null) return;
  memory.set(project, h);
  try {
    if (typeof sessionStorage !== 'undefined') sessionStorage.setItem(storageKey(project), JSON.stringify(h));
  } catch {
    // A full or disabled storage only costs the history a reload.
  }
}

export interface SessionHistory {
  /** Newest last. */
  done: SessionStep[];
  undone: SessionStep[];
  /** A new decision: it can be undone, and what was undone before it can no longer be redone. */
  record: (step: SessionStep) => void;
  /** After the step was undone on the main side (or turned out not to be undoable any more: `redoable` false). */
  undid: (step: SessionStep, redoable?: boolean) => void;
  redid: (step: SessionStep) => void;
  /** Drops a step the main side no longer knows as this session's to redo. */
  forgetUndone: (step: SessionStep) => void;
}

/**
 * Undo history of the curation page for this session (this window, this project): only the batches it decided
 * itself, never a batch another tool made (`synood accept`, the demo's auto-curation, another window), which the
 * project's decision log also holds.
 */
export function useSessionHistory(project: string | null): SessionHistory {
  const [h, setH] = useState<History>(() => load(project));
  useEffect(() => setH(load(project)), [project]);
  const update = useCallback(
    (f: (prev: History) => History) =>
      setH((prev) => {
        const next = f(prev);
        store(project, next);
        return next;
      }),
    [project],
  );
  return {
    done: h.done,
    undone: h.undone,
    record: useCallback((step) => update((p) => ({ done: [...p.done, step].slice(-KEEP), undone: [] })), [update]),
    undid: useCallback(
      (step, redoable = true) => update((p) => ({ done: p.done.filter((s) => s.batch !== step.batch), undone: redoable ? [...p.undone, step].slice(-KEEP) : p.undone })),
      [update],
    ),
    redid: useCallback((step) => update((p) => ({ done: [...p.done, step].slice(-KEEP), undone: p.undone.filter((s) => s.batch !== step.batch) })), [update]),
    forgetUndone: useCallback((step) => update((p) => ({ ...p, undone: p.undone.filter((s) => s.batch !== step.batch) })), [update]),
  };
}

/** "#58", "#58, #57, #56", "5 candidates (#58, #57, #56, …)". */
export function idsText(ids: number[]): string {
  if (ids.length === 1) return `#${ids[0]}`;
  if (ids.length <= 3) return ids.map((i) => `#${i}`).join(', ');
  return `${ids.length} candidates (${ids
    .slice(0, 3)
    .map((i) => `#${i}`)
    .join(', ')}, …)`;
}
