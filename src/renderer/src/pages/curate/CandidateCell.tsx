import { memo, useRef } from 'react';
import type { CandidateRow, CandidateSort } from '../../../../shared/api';
import { SUGGEST_REJECT_PROB } from '../../../../shared/api';

export const THUMB = 120;
/** Cell widths (border included); the row height is fixed too (CandidateGrid's ROW_H): no cell is ever measured. */
export const cellWidth = (pairs: boolean) => (pairs ? 2 * THUMB + 12 : THUMB + 8);

/** The value the gallery is sorted by, shown under each thumbnail so the order explains itself. */
function sortValue(r: CandidateRow, sort: CandidateSort): string {
  const v =
    sort === 'energy' ? r.energy : sort === 'msp' ? r.msp : sort === 'neglabel_score' ? r.neglabelScore : sort === 'source_class_prob' ? r.sourceClassProb : sort === 'label_margin' ? r.labelMargin : null;
  return v === null || v === undefined ? '' : v.toFixed(3);
}

interface Props {
  row: CandidateRow | undefined;
  index: number;
  focused: boolean;
  selected: boolean;
  pairs: boolean;
  sort: CandidateSort;
  /**
   * False while the grid flies past faster than anyone can look (CandidateGrid's fast scroll): the cell shows a
   * placeholder where the thumbnail goes and loads it once the scroll slows or stops. A thumbnail once shown stays.
   */
  images: boolean;
  fileUrl: (rel: string) => string;
  onClick: (index: number, e: React.MouseEvent) => void;
}

/**
 * One gallery cell, as few plain elements as it can be (styles: CandidateGrid's stylesheet): the cell, its
 * thumbnail(s), the caption. The source thumbnail on hover is a CSS background behind ::after, not an element:
 * the browser fetches it only while the cell is hovered.
 */
export const CandidateCell = memo(function CandidateCell({ row, index, focused, selected, pairs, sort, images, fileUrl, onClick }: Props) {
  // The candidate whose thumbnail this cell has shown: the grid reuses cells for other candidates as it scrolls.
  const shown = useRef<number | null>(null);
  if (images && row) shown.current = row.id;
  if (!row) return <div className="cell placeholder" style={{ width: cellWidth(pairs) }} />;
  const suggested = row.status !== 'rejected' && (row.sourceClassProb ?? 0) >= SUGGEST_REJECT_PROB;
  // Keyed by candidate: a reused cell gets a new <img> rather than showing the previous one's until the new loads.
  const thumb = (rel: string | null | undefined, alt: string) =>
    rel && shown.current === row.id ? <img key={`${alt}-${row.id}`} src={fileUrl(rel)} width={THUMB} height={THUMB} alt={alt} decoding="async" draggable={false} /> : <div className="noimg" />;
  const hoverSource = !pairs && row.sourceThumbPath;
  return (
    <div
      className={`cell ${row.status}${focused ? ' focused' : ''}${selected ? ' selected' : ''}${hoverSource ? ' hover-src' : ''}`}
      style={hoverSource ? ({ width: cellWidth(pairs), '--src': `url("${fileUrl(row.sourceThumbPath!)}")` } as React.CSSProperties) : { width: cellWidth(pairs) }}
      onClick={(e) => onClick(index, e)}
      data-testid={`cand-${row.id}`}
      data-status={row.status}
      data-index={index}
      title={`#${row.id} · ${row.sourceClassName ?? ''} → ${row.label ?? 'no label'} · ${row.status}`}
    >
      {pairs && thumb(row.sourceThumbPath, 'source')}
      {thumb(row.thumbPath, `candidate ${row.id}`)}
      {selected && <span className="tick">✓</span>}
      {suggested && (
        <span className="warn" title="suggested reject: still looks like its source class">
          ⚠
        </span>
      )}
      <div className="caption">
        <span>{row.label ?? 'awaiting label'}</span>
        <span>{sortValue(row, sort)}</span>
      </div>
    </div>
  );
});
