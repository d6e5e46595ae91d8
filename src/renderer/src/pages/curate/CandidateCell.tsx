import { memo } from 'react';
import type { CandidateRow, CandidateSort } from '../../../../shared/api';
import { SUGGEST_REJECT_PROB } from '../../../../shared/api';

export const THUMB = 120;

/** The value the gallery is sorted by, shown under each thumbnail so the order explains itself. */
function sortValue(r: CandidateRow, sort: CandidateSort): string {
  const v = { created: null, energy: r.energy, msp: r.msp, neglabel_score: r.neglabelScore, source_class_prob: r.sourceClassProb, label_margin: r.labelMargin }[sort];
  return v === null || v === undefined ? '' : v.toFixed(3);
}

interface Props {
  row: CandidateRow | undefined;
  index: number;
  focused: boolean;
  selected: boolean;
  pairs: boolean;
  sort: CandidateSort;
  fileUrl: (rel: string) => string;
  onClick: (index: number, e: React.MouseEvent) => void;
}

/** One gallery cell: thumbnails only (never the full image), plain elements so thousands render cheaply. */
export const CandidateCell = memo(function CandidateCell({ row, index, focused, selected, pairs, sort, fileUrl, onClick }: Props) {
  if (!row) return <div className="cell placeholder" style={{ width: pairs ? 2 * THUMB + 12 : THUMB + 8 }} />;
  const suggested = row.status !== 'rejected' && (row.sourceClassProb ?? 0) >= SUGGEST_REJECT_PROB;
  return (
    <div
      className={`cell ${row.status}${focused ? ' focused' : ''}${selected ? ' selected' : ''}`}
      style={{ width: pairs ? 2 * THUMB + 12 : THUMB + 8 }}
      onClick={(e) => onClick(index, e)}
      data-testid={`cand-${row.id}`}
      data-status={row.status}
      data-index={index}
      title={`#${row.id} · ${row.sourceClassName ?? ''} → ${row.label ?? 'no label'} · ${row.status}`}
    >
      <div className="imgs">
        {pairs && (row.sourceThumbPath ? <img src={fileUrl(row.sourceThumbPath)} width={THUMB} height={THUMB} alt="source" decoding="async" /> : <div className="noimg" />)}
        {row.thumbPath ? <img src={fileUrl(row.thumbPath)} width={THUMB} height={THUMB} alt={`candidate ${row.id}`} decoding="async" /> : <div className="noimg" />}
        {!pairs && row.sourceThumbPath && <img className="hover-src" src={fileUrl(row.sourceThumbPath)} width={56} height={56} alt="source" loading="lazy" />}
        {selected && <span className="tick">✓</span>}
        {suggested && (
          <span className="warn" title="suggested reject: still looks like its source class">
            ⚠
          </span>
        )}
      </div>
      <div className="caption">
        <span>{row.label ?? '—'}</span>
        <span>{sortValue(row, sort)}</span>
      </div>
    </div>
  );
});
