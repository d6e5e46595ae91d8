import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { Box } from '@mui/material';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { CandidateSort } from '../../../../shared/api';
import { useApi } from '../../api/context';
import type { CandidatePages } from './use-candidate-pages';
import { CandidateCell, THUMB } from './CandidateCell';

const ROW_H = THUMB + 34;

interface Props {
  pages: CandidatePages;
  pairs: boolean;
  sort: CandidateSort;
  focus: number;
  selected: Set<number>;
  onCellClick: (index: number, e: React.MouseEvent) => void;
  onColumns: (cols: number) => void;
}

/**
 * Virtualized rows of thumbnails over keyset pages: only the rows in view (plus a few) exist in the DOM, and
 * pages load as the view approaches the end of what is loaded.
 */
export function CandidateGrid({ pages, pairs, sort, focus, selected, onCellClick, onColumns }: Props) {
  const api = useApi();
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(900);
  const cellW = pairs ? 2 * THUMB + 12 + 6 : THUMB + 8 + 6;
  const cols = Math.max(1, Math.floor((width - 8) / cellW));
  const count = pages.total ?? pages.items.length;
  const rows = Math.ceil(count / cols);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth || 900));
    ro.observe(el);
    setWidth(el.clientWidth || 900);
    return () => ro.disconnect();
  }, []);
  useEffect(() => onColumns(cols), [cols, onColumns]);
  const virtualizer = useVirtualizer({ count: rows, getScrollElement: () => scroller.current, estimateSize: () => ROW_H, overscan: 3, initialRect: { width: 900, height: 700 } });
  const virtual = virtualizer.getVirtualItems();
  const lastRow = virtual.length ? virtual[virtual.length - 1]!.index : 0;
  useEffect(() => {
    pages.ensure((lastRow + 6) * cols);
  }, [lastRow, cols, pages.ensure]);
  const focusRow = Math.floor(focus / cols);
  useEffect(() => {
    if (focus >= 0) virtualizer.scrollToIndex(focusRow, { align: 'auto' });
  }, [focusRow]);
  const selectedIds = selected;
  return (
    <Box
      ref={scroller}
      data-testid="candidate-grid"
      sx={{
        flex: 1,
        minHeight: 0,
        overflow: 'auto',
        contain: 'strict',
        '& .row': { position: 'absolute', left: 0, right: 0, display: 'flex', gap: '6px', px: '4px' },
        '& .cell': { position: 'relative', height: ROW_H - 6, borderRadius: '6px', border: '2px solid transparent', cursor: 'pointer', overflow: 'hidden', bgcolor: 'action.hover' },
        '& .cell.placeholder': { opacity: 0.4 },
        '& .cell.accepted': { borderColor: 'success.main' },
        '& .cell.rejected': { borderColor: 'error.main', '& img': { opacity: 0.45 } },
        '& .cell.selected': { bgcolor: 'action.selected' },
        '& .cell.focused': { outline: '3px solid', outlineColor: 'primary.main', outlineOffset: '1px' },
        '& .imgs': { position: 'relative', display: 'flex', gap: '4px', p: '2px' },
        '& .imgs img, & .noimg': { width: THUMB, height: THUMB, objectFit: 'cover', borderRadius: '4px', display: 'block' },
        '& .imgs img.hover-src': { position: 'absolute', right: 4, bottom: 4, width: 56, height: 56, border: '2px solid white', display: 'none' },
        '& .cell:hover .imgs img.hover-src': { display: 'block' },
        '& .tick': { position: 'absolute', left: 6, top: 4, bgcolor: 'primary.main', color: 'primary.contrastText', borderRadius: '50%', width: 20, height: 20, fontSize: 13, textAlign: 'center', lineHeight: '20px' },
        '& .warn': { position: 'absolute', right: 6, top: 4, color: 'warning.main', fontSize: 16, textShadow: '0 0 3px black' },
        '& .caption': { display: 'flex', justifyContent: 'space-between', px: '4px', fontSize: 11, whiteSpace: 'nowrap', overflow: 'hidden', gap: '4px', color: 'text.secondary' },
        '& .caption span:first-of-type': { overflow: 'hidden', textOverflow: 'ellipsis' },
      }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtual.map((vr) => (
          <div key={vr.key} className="row" style={{ top: vr.start, height: ROW_H }}>
            {Array.from({ length: cols }, (_, c) => {
              const i = vr.index * cols + c;
              if (i >= count) return null;
              const row = pages.items[i];
              return <CandidateCell key={c} row={row} index={i} focused={i === focus} selected={!!row && selectedIds.has(row.id)} pairs={pairs} sort={sort} fileUrl={api.fileUrl} onClick={onCellClick} />;
            })}
          </div>
        ))}
      </div>
    </Box>
  );
}
