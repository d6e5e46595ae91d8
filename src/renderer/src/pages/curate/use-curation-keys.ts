import { useEffect, useRef } from 'react';

export interface CurationKeyActions {
  move: (delta: 'left' | 'right' | 'up' | 'down', extend: boolean) => void;
  decide: (status: 'accepted' | 'rejected') => void;
  toggleSelect: () => void;
  clearSelection: () => void;
  relabel: () => void;
  undo: () => void;
  redo: () => void;
  help: () => void;
}

/** Typing in a field (filters, label box, prompt) must not curate. */
function typing(t: EventTarget | null): boolean {
  // Keys sent to the window or the document have no element to type into.
  if (!(t instanceof HTMLElement)) return false;
  const el = t;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || !!el.closest('[role="dialog"], [role="listbox"], [role="menu"]');
}

/** The gallery's keys, on the window so they work wherever the focus is, except while typing. */
export function useCurationKeys(actions: CurationKeyActions): void {
  const ref = useRef(actions);
  ref.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const a = ref.current;
      if (e.key === '?' && !typing(e.target)) {
        e.preventDefault();
        a.help();
        return;
      }
      if (typing(e.target) || e.altKey) return;
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      if (mod && k === 'z') {
        e.preventDefault();
        if (e.shiftKey) a.redo();
        else a.undo();
        return;
      }
      if (mod && k === 'y') {
        e.preventDefault();
        a.redo();
        return;
      }
      if (mod) return;
      const arrows: Record<string, 'left' | 'right' | 'up' | 'down'> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };
      const dir = arrows[e.key];
      if (dir) {
        e.preventDefault();
        a.move(dir, e.shiftKey);
        return;
      }
      const act: Record<string, () => void> = {
        a: () => a.decide('accepted'),
        r: () => a.decide('rejected'),
        u: () => a.undo(),
        l: () => a.relabel(),
        ' ': () => a.toggleSelect(),
        escape: () => a.clearSelection(),
      };
      const f = act[k];
      if (f) {
        e.preventDefault();
        f();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
