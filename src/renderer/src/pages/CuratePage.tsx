import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogTitle, Snackbar, Stack, Typography } from '@mui/material';
import type { CandidateStatus, NegLabel } from '../../../shared/api';
import { useApi, useApiEvents, useLive } from '../api/context';
import { useIndClasses } from '../api/use-ind-classes';
import type { PageId } from '../navigation';
import { EmptyState } from '../components/EmptyState';
import { ErrorText } from '../components/ErrorText';
import { SplitPane } from '../components/SplitPane';
import { CandidateGrid } from './curate/CandidateGrid';
import { DetailPanel } from './curate/DetailPanel';
import { FilterBar } from './curate/FilterBar';
import { KeysHelp } from './curate/KeysHelp';
import { DEFAULT_QUERY, isSuggestedView, SUGGESTED_REJECTS, type GalleryQuery } from './curate/filters';
import { useCandidatePages } from './curate/use-candidate-pages';
import { useCurationKeys } from './curate/use-curation-keys';

type Bulk = { status: 'accepted' | 'rejected'; count: number } | null;

export function CuratePage({ onNavigate }: { onNavigate: (p: PageId) => void }) {
  const api = useApi();
  const classes = useIndClasses() ?? [];
  const [query, setQuery] = useState<GalleryQuery>(DEFAULT_QUERY);
  const [labelFilter, setLabelFilter] = useState<{ id: number; word: string } | null>(null);
  const [pairs, setPairs] = useState(false);
  const [focus, setFocus] = useState(0);
  const [anchor, setAnchor] = useState(0);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [help, setHelp] = useState(false);
  const [bulk, setBulk] = useState<Bulk>(null);
  const [toast, setToast] = useState<string>();
  const [error, setError] = useState<string>();
  const cols = useRef(1);
  const labelInput = useRef<HTMLInputElement>(null);
  const pages = useCandidatePages(query);
  // Status counts ignore the status filter: they say how far curation of this slice has come.
  const { status: _status, ...sliceFilter } = query.filter;
  const counts = useLive((a) => a.call('curation.counts', { filter: sliceFilter }), ['candidates', 'decisions'], [JSON.stringify(sliceFilter)]);
  const undoState = useLive((a) => a.call('curation.state', {}), ['candidates', 'decisions']);
  const { refresh } = pages;
  useApiEvents((e) => e.type === 'data.changed' && e.entity === 'candidates' && refresh(), [refresh]);
  useEffect(() => {
    setFocus(0);
    setAnchor(0);
    setSelected(new Set());
  }, [JSON.stringify(query)]);

  const count = pages.total ?? pages.items.length;
  const focusedRow = pages.items[focus];
  const run = async (what: Promise<unknown>) => {
    setError(undefined);
    try {
      await what;
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const decide = (status: CandidateStatus) => {
    const ids = selected.size ? [...selected] : focusedRow ? [focusedRow.id] : [];
    if (!ids.length) return;
    void run(
      api.call('curation.decide', { target: { type: 'ids', ids }, decision: { status } }).then((r) => {
        setToast(`${status === 'accepted' ? 'Accepted' : 'Rejected'} ${r.changed} · U to undo`);
        if (selected.size) setSelected(new Set());
        else setFocus((f) => Math.min(f + 1, Math.max(0, count - 1)));
      }),
    );
  };
  const relabel = (l: NegLabel) => {
    const ids = selected.size ? [...selected] : focusedRow ? [focusedRow.id] : [];
    if (!ids.length) return;
    void run(api.call('curation.decide', { target: { type: 'ids', ids }, decision: { labelId: l.id } }).then((r) => setToast(`Relabelled ${r.changed} as '${l.word}' · U to undo`)));
  };
  const undo = () => void run(api.call('curation.undo', {}).then((r) => setToast(r.batch === null ? 'Nothing to undo' : `Undid ${r.changed} change${r.changed === 1 ? '' : 's'}`)));
  const redo = () => void run(api.call('curation.redo', {}).then((r) => setToast(r.batch === null ? 'Nothing to redo' : `Redid ${r.changed} change${r.changed === 1 ? '' : 's'}`)));
  const applyBulk = () => {
    if (!bulk) return;
    const status = bulk.status;
    setBulk(null);
    void run(api.call('curation.decide', { target: { type: 'filter', filter: query.filter }, decision: { status } }).then((r) => setToast(`${status === 'accepted' ? 'Accepted' : 'Rejected'} all ${r.changed} in view · U to undo`)));
  };

  useCurationKeys({
    move: (dir, extend) => {
      const step = { left: -1, right: 1, up: -cols.current, down: cols.current }[dir];
      const next = Math.min(Math.max(0, focus + step), Math.max(0, count - 1));
      setFocus(next);
      if (extend) {
        const s = new Set(selected);
        for (const i of [focus, next]) {
          const r = pages.items[i];
          if (r) s.add(r.id);
        }
        setSelected(s);
      } else setAnchor(next);
    },
    decide,
    toggleSelect: () => {
      if (!focusedRow) return;
      const s = new Set(selected);
      if (s.has(focusedRow.id)) s.delete(focusedRow.id);
      else s.add(focusedRow.id);
      setSelected(s);
    },
    clearSelection: () => setSelected(new Set()),
    relabel: () => labelInput.current?.focus(),
    undo,
    redo,
    help: () => setHelp(true),
  });

  const onCellClick = useCallback(
    (index: number, e: React.MouseEvent) => {
      const row = pages.items[index];
      if (!row) return;
      if (e.shiftKey) {
        const s = new Set(selected);
        for (let i = Math.min(anchor, index); i <= Math.max(anchor, index); i++) {
          const r = pages.items[i];
          if (r) s.add(r.id);
        }
        setSelected(s);
      } else if (e.ctrlKey || e.metaKey) {
        const s = new Set(selected);
        if (s.has(row.id)) s.delete(row.id);
        else s.add(row.id);
        setSelected(s);
        setAnchor(index);
      } else setAnchor(index);
      setFocus(index);
    },
    [pages.items, selected, anchor],
  );
  const onColumns = useCallback((c: number) => {
    cols.current = c;
  }, []);

  const c = counts.data;
  const noneAtAll = c !== undefined && Object.keys(sliceFilter).length === 0 && c.new + c.accepted + c.rejected === 0;
  if (noneAtAll)
    return <EmptyState testId="curate-empty" text="No candidates to curate yet. Generate some from your InD images first; they appear here as they are written." action="Go to Generate" onAction={() => onNavigate('generate')} />;
  return (
    <Stack spacing={1} sx={{ flex: 1, minHeight: 0 }} data-testid="curate-page">
      <FilterBar query={query} onQuery={setQuery} classes={classes} label={labelFilter} onLabel={setLabelFilter} pairs={pairs} onPairs={setPairs} />
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <Typography variant="body2" data-testid="curate-counts">
          {count.toLocaleString()} in view{c ? ` · of this slice ${c.new.toLocaleString()} new · ${c.accepted.toLocaleString()} accepted · ${c.rejected.toLocaleString()} rejected` : ''}
        </Typography>
        {c && c.suggestedRejects > 0 && (
          <Chip
            size="small"
            color="warning"
            variant={isSuggestedView(query) ? 'filled' : 'outlined'}
            label={`⚠ ${c.suggestedRejects.toLocaleString()} suggested rejects (high source-class prob.)`}
            onClick={() => setQuery(isSuggestedView(query) ? DEFAULT_QUERY : { ...SUGGESTED_REJECTS, filter: { ...SUGGESTED_REJECTS.filter, ...(query.filter.classId !== undefined ? { classId: query.filter.classId } : {}) } })}
            data-testid="suggested-rejects"
          />
        )}
        <Box sx={{ flex: 1 }} />
        {selected.size > 0 && (
          <>
            <Typography variant="body2">{selected.size} selected</Typography>
            <Button color="success" onClick={() => decide('accepted')} data-testid="accept-selection">
              Accept selection
            </Button>
            <Button color="error" onClick={() => decide('rejected')} data-testid="reject-selection">
              Reject selection
            </Button>
          </>
        )}
        <Button disabled={!count} onClick={() => setBulk({ status: 'accepted', count })} data-testid="accept-all">
          Accept all in view
        </Button>
        <Button disabled={!count} onClick={() => setBulk({ status: 'rejected', count })} data-testid="reject-all">
          Reject all in view
        </Button>
        <Button disabled={!undoState.data?.canUndo} onClick={undo} data-testid="undo">
          Undo
        </Button>
        <Button disabled={!undoState.data?.canRedo} onClick={redo} data-testid="redo">
          Redo
        </Button>
        <Button onClick={() => setHelp(true)}>Keys (?)</Button>
      </Stack>
      <ErrorText error={error ?? pages.error} />
      <SplitPane
        id="curate"
        initial={0.62}
        left={
          count === 0 && pages.total !== null ? (
            <EmptyState testId="curate-none-match" text="No candidate matches these filters. Loosen them (status 'Any', all classes, no score ranges) to see more." action="Reset filters" onAction={() => setQuery({ ...DEFAULT_QUERY, filter: {} })} />
          ) : (
            <CandidateGrid pages={pages} pairs={pairs} sort={query.sort} focus={focus} selected={selected} onCellClick={onCellClick} onColumns={onColumns} />
          )
        }
        right={focusedRow ? <DetailPanel id={focusedRow.id} labelInput={labelInput} onDecide={decide} onRelabel={relabel} /> : <Typography sx={{ p: 2 }}>Click a candidate (or use the arrow keys) to see it in full.</Typography>}
      />
      <KeysHelp open={help} onClose={() => setHelp(false)} />
      <Dialog open={!!bulk} onClose={() => setBulk(null)}>
        <DialogTitle>{bulk?.status === 'accepted' ? 'Accept' : 'Reject'} every candidate in this view?</DialogTitle>
        <DialogContent>
          <Typography>
            This {bulk?.status === 'accepted' ? 'accepts' : 'rejects'} all {bulk?.count.toLocaleString()} candidates matching the current filters, as one step that a single undo reverts.
          </Typography>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setBulk(null)}>Cancel</Button>
          <Button variant="contained" color={bulk?.status === 'accepted' ? 'success' : 'error'} onClick={applyBulk} data-testid="bulk-confirm">
            {bulk?.status === 'accepted' ? 'Accept' : 'Reject'} {bulk?.count.toLocaleString()}
          </Button>
        </DialogActions>
      </Dialog>
      <Snackbar open={!!toast} autoHideDuration={3000} onClose={() => setToast(undefined)} anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}>
        <Alert severity="info" onClose={() => setToast(undefined)} data-testid="curate-toast">
          {toast}
        </Alert>
      </Snackbar>
    </Stack>
  );
}
