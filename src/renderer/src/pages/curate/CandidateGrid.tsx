import { memo, useEffect, useEffectEvent, useLayoutEffect, useRef, useState } from 'react';
import { GlobalStyles } from '@mui/material';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { CandidateRow, CandidateSort } from '../../../../shared/api';
import { useApi } from '../../api/context';
import type { CandidatePages } from './use-candidate-pages';
import { CandidateCell, cellWidth, THUMB } from './CandidateCell';

const ROW_H = THUMB + 34;
const GAP = 6;
/** Rows rendered beyond the view on each side. */
const OVERSCAN = 2;
/**
 * Above this speed (px per ms; 3 px/ms is 50 px a frame at 60 Hz, a row every three frames) new cells show a
 * placeholder instead of loading their thumbnail, as image-heavy lists do during a fling: rows that cross the view in
 * a frame or two would cost a fetch, a decode and a paint each for nothing. Thumbnails load as soon as the scroll
 * slows below this or stops (the virtualizer reports the stop 150 ms after the last scroll event).
 */
const FAST_SCROLL_PX_PER_MS = 3;
/**
 * Above this speed (12 px/ms: 200 px a frame, more than a row a frame; dragging the scrollbar over 100k candidates
 * moves thousands of px an event) rows that come into view are drawn as skeletons, one element with the cells'
 * boxes as its background, until the scroll slows: at that speed a row crosses the view in a few frames and nobody
 * reads its captions, while building, styling, laying out and painting its cells would cost most of a frame.
 */
const FLING_PX_PER_MS = 12;

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
 *
 * What a scroll costs is kept small: rows and cells have fixed sizes (nothing is measured) and CSS containment; the
 * styles are one stylesheet, written once, not recomputed per render; a scroll re-renders only this component and
 * the rows that come into view (rows are memoized; a row already on screen re-renders only when its data, focus or
 * selection changes); during a fast scroll thumbnails wait (FAST_SCROLL_PX_PER_MS), and during a fling new rows are
 * skeletons (FLING_PX_PER_MS). What is on screen stays as it is: only rows coming into view are affected.
 */
export function CandidateGrid({ pages, pairs, sort, focus, selected, onCellClick, onColumns }: Props) {
  const api = useApi();
  const scroller = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(900);
  const cellW = cellWidth(pairs) + GAP;
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
  const virtualizer = useVirtualizer({ count: rows, getScrollElement: () => scroller.current, estimateSize: () => ROW_H, overscan: OVERSCAN, initialRect: { width: 900, height: 700 } });
  const virtual = virtualizer.getVirtualItems();
  const lastRow = virtual.length ? virtual[virtual.length - 1]!.index : 0;
  const focusRow = Math.floor(focus / cols);
  // Scrolls when the focus moves to another row, not on every render while it stays in one.
  const scrollToFocus = useEffectEvent((row: number) => {
    if (focus >= 0) virtualizer.scrollToIndex(row, { align: 'auto' });
  });
  useEffect(() => scrollToFocus(focusRow), [focusRow]);

  // Scroll speed between the scroll positions this component rendered at (it renders on every scroll event).
  const speed = useRef({ offset: 0, t: 0, v: 0 });
  const offset = virtualizer.scrollOffset ?? 0;
  if (offset !== speed.current.offset) {
    const now = performance.now();
    speed.current = { offset, t: now, v: Math.abs(offset - speed.current.offset) / Math.max(1, now - speed.current.t) };
  }
  const v = virtualizer.isScrolling ? speed.current.v : 0;
  const images = v <= FAST_SCROLL_PX_PER_MS;
  const skeleton = v > FLING_PX_PER_MS;
  // Pages load as the view nears the end of what is loaded, except during a fling: rows flown past as skeletons need
  // no data, and each page would re-render the page around the grid mid-fling. Where the fling stops, they load.
  const { ensure } = pages;
  useEffect(() => {
    if (!skeleton) ensure((lastRow + 6) * cols);
  }, [lastRow, cols, ensure, skeleton]);
  // Row slots: at least as many as rows in the window (so no two rendered rows share a key), and fixed for a given
  // view height, so that keys do not reshuffle when the window gains or loses a partly visible row.
  const slots = Math.max(virtual.length, Math.ceil((virtualizer.scrollRect?.height ?? 700) / ROW_H) + 2 * OVERSCAN + 2);

  return (
    <div ref={scroller} className="synood-candidate-grid" data-testid="candidate-grid">
      <GridStyles />
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtual.map((vr) => {
          const first = vr.index * cols;
          const rowFocus = focus >= first && focus < first + cols ? focus : -1;
          return (
            <GridRow
              // Keyed by slot, not by row: a row that scrolls out is reused for the one scrolling in, so a scroll
              // updates a few elements' attributes and text instead of removing and creating whole rows.
              key={vr.index % slots}
              top={vr.start}
              first={first}
              cols={cols}
              count={count}
              items={pages.items}
              version={pages.version}
              focus={rowFocus}
              selected={selected}
              pairs={pairs}
              sort={sort}
              images={images}
              skeleton={skeleton}
              fileUrl={api.fileUrl}
              onClick={onCellClick}
            />
          );
        })}
      </div>
    </div>
  );
}

interface RowProps {
  top: number;
  first: number;
  cols: number;
  count: number;
  /** Loaded rows, mutated in place by the pages hook: `version` tells a row when to look again. */
  items: CandidateRow[];
  version: number;
  /** The focused index when it is in this row, else -1 (so a focus move re-renders two rows, not all). */
  focus: number;
  selected: Set<number>;
  pairs: boolean;
  sort: CandidateSort;
  images: boolean;
  /** A fling: a row not yet shown in full at this position is drawn as a skeleton. */
  skeleton: boolean;
  fileUrl: (rel: string) => string;
  onClick: (index: number, e: React.MouseEvent) => void;
}

/** One row of cells; memoized, so scrolling re-renders only the rows that come into view. */
const GridRow = memo(function GridRow({ top, first, cols, count, items, focus, selected, pairs, sort, images, skeleton, fileUrl, onClick }: RowProps) {
  // The first index this row slot last showed in full: a row on screen stays full when a fling starts.
  const full = useRef(-1);
  if (!skeleton) full.current = first;
  if (full.current !== first) {
    const w = cellWidth(pairs);
    const background = `repeating-linear-gradient(to right, var(--skeleton) 0 ${w}px, transparent ${w}px ${w + GAP}px)`;
    return <div className="row skeleton" style={{ transform: `translateY(${top}px)`, width: 4 + Math.min(cols, count - first) * (w + GAP), backgroundImage: background }} />;
  }
  const cells = [];
  for (let c = 0; c < cols; c++) {
    const i = first + c;
    if (i >= count) break;
    const row = items[i];
    cells.push(<CandidateCell key={c} row={row} index={i} focused={i === focus} selected={!!row && selected.has(row.id)} pairs={pairs} sort={sort} images={images} fileUrl={fileUrl} onClick={onClick} />);
  }
  return (
    <div className="row" style={{ transform: `translateY(${top}px)` }}>
      {cells}
    </div>
  );
});

/**
 * The grid's stylesheet: static (theme colours only), so it is serialized once instead of on each of the scroll's
 * renders, as an `sx` prop on the scroller would be. Scoped by the scroller's class.
 */
const GridStyles = memo(function GridStyles() {
  return (
    <GlobalStyles
      styles={(theme) => ({
        '.synood-candidate-grid': {
          flex: 1,
          minHeight: 0,
          overflow: 'auto',
          contain: 'strict',
          '& .row': { position: 'absolute', top: 0, left: 0, right: 0, height: ROW_H, display: 'flex', gap: `${GAP}px`, padding: '0 4px', contain: 'size layout style' },
          '& .cell': {
            position: 'relative',
            height: ROW_H - GAP,
            flex: 'none',
            boxSizing: 'border-box',
            display: 'flex',
            flexWrap: 'wrap',
            alignContent: 'flex-start',
            gap: '0 4px',
            padding: '2px',
            borderRadius: '6px',
            border: '2px solid transparent',
            cursor: 'pointer',
            backgroundColor: theme.palette.action.hover,
            contain: 'size layout style',
          },
          '& .cell.placeholder': { opacity: 0.4 },
          // Cell-sized boxes every cell width plus gap, as one background: what a row is during a fling.
          '& .row.skeleton': { right: 'auto', '--skeleton': theme.palette.action.hover, backgroundPosition: '4px 0', backgroundSize: `100% ${ROW_H - GAP}px`, backgroundRepeat: 'no-repeat' },
          '& .cell.accepted': { borderColor: theme.palette.success.main },
          '& .cell.rejected': { borderColor: theme.palette.error.main, '& img': { opacity: 0.45 } },
          '& .cell.selected': { backgroundColor: theme.palette.action.selected },
          '& .cell.focused': { outline: `3px solid ${theme.palette.primary.main}`, outlineOffset: '1px' },
          '& .cell img, & .cell .noimg': { width: THUMB, height: THUMB, display: 'block', objectFit: 'cover' },
          '& .cell .noimg': { backgroundColor: theme.palette.action.hover },
          // The source thumbnail on hover (single view): a background of ::after, fetched only while hovered.
          '& .cell.hover-src:hover::after': {
            content: '""',
            position: 'absolute',
            right: 4,
            top: THUMB - 60,
            width: 56,
            height: 56,
            border: '2px solid white',
            background: 'var(--src) center / cover no-repeat',
          },
          '& .tick': {
            position: 'absolute',
            left: 6,
            top: 4,
            backgroundColor: theme.palette.primary.main,
            color: theme.palette.primary.contrastText,
            borderRadius: '50%',
            width: 20,
            height: 20,
            fontSize: 13,
            textAlign: 'center',
            lineHeight: '20px',
          },
          '& .warn': { position: 'absolute', right: 6, top: 4, color: theme.palette.warning.main, fontSize: 16, textShadow: '0 0 3px black' },
          '& .caption': { flex: '1 0 100%', minWidth: 0, display: 'flex', justifyContent: 'space-between', padding: '0 4px', fontSize: 11, lineHeight: '16px', whiteSpace: 'nowrap', overflow: 'hidden', gap: '4px', color: theme.palette.text.secondary },
          '& .caption span:first-of-type': { overflow: 'hidden', textOverflow: 'ellipsis' },
        },
      })}
    />
  );
});
