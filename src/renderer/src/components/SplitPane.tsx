import { useCallback, useRef, useState, type ReactNode } from 'react';
import { Box } from '@mui/material';

/**
 * Two panes side by side with a draggable divider. The left width is remembered per `id`, so each page keeps the
 * layout its user chose.
 */
export function SplitPane({ id, left, right, initial = 0.6, min = 240 }: { id: string; left: ReactNode; right: ReactNode; initial?: number; min?: number }) {
  const box = useRef<HTMLDivElement>(null);
  const [fraction, setFraction] = useState(() => Number(localStorage.getItem(`synood-split-${id}`)) || initial);
  const onPointerDown = useCallback(
    (e: React.PointerEvent) => {
      const el = box.current;
      if (!el) return;
      e.preventDefault();
      const rect = el.getBoundingClientRect();
      let last = fraction;
      const move = (ev: PointerEvent) => {
        const x = Math.min(Math.max(ev.clientX - rect.left, min), rect.width - min);
        last = x / rect.width;
        setFraction(last);
      };
      const up = () => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', up);
        localStorage.setItem(`synood-split-${id}`, String(last));
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', up);
    },
    [fraction, id, min],
  );
  return (
    <Box ref={box} sx={{ display: 'flex', flex: 1, minHeight: 0, minWidth: 0 }}>
      <Box sx={{ width: `${fraction * 100}%`, minWidth: 0, display: 'flex', flexDirection: 'column' }}>{left}</Box>
      <Box
        role="separator"
        aria-orientation="vertical"
        aria-label="resize panes"
        onPointerDown={onPointerDown}
        sx={{ width: 6, cursor: 'col-resize', flexShrink: 0, mx: 0.5, borderRadius: 1, bgcolor: 'divider', '&:hover': { bgcolor: 'primary.main' } }}
      />
      <Box sx={{ flex: 1, minWidth: 0, overflow: 'auto' }}>{right}</Box>
    </Box>
  );
}
