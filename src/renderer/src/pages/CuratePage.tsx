import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Box, Button, Chip, Dialog, DialogActions, DialogContent, DialogTitle, Snackbar, Stack, Typography } from '@mui/material';
import type { CandidateStatus, NegLabel } from '../../../shared/api';
import { useApi, useApiEvents, useLive } from '../api/context';
import { useIndClasses } from '../api/use-ind-classes';
import type { PageId } from '../navigation';
import { EmptyState } from '../components/EmptyState';
import { ErrorText } from '../components/ErrorText';
import { SplitPane } from '../components/SplitPane';
import { CandidateGrid } from './curate/CandidateGrid';
import { ContactSheetButton } from './curate/ContactSheetButton';
import { DetailPanel } from './curate/DetailPanel';
import { FilterBar } from './curate/FilterBar';
import { KeysHelp } from './curate/KeysHelp';
import { DEFAULT_QUERY, firstViewQuery, isSuggestedView, SUGGESTED_REJECTS, type GalleryQuery } from './curate/filters';
import { idsText, useSessionHistory, type SessionStep } from './curate/session-history';
import { useCandidatePages, useCandidatePagesValue } from './curate/use-candidate-pages';
import { useCurationKeys } from './curate/use-curation-keys';

type Bulk = { status: 'accepted' | 'rejected'; count: number } | null;

const OUTSIDE = "changes made outside it (the CLI's `synood accept`, the demo's auto-curation, another window) are not undone here";

export function CuratePage({ onNavigate }: { onNavigate: (p: PageId) => void }) {
  const api = useApi();
  const classes = useIndClasses() ?? [];
  const classKey = classes.map((c) => c.name).join('\n');
  const classNames = useMemo(() => (classKey ? classKey.split('\n') : []), [classKey]);
  const [query, setQuery] = useState<GalleryQuery>(DEFAULT_QUERY);
  // The first view is chosen once the project's counts are known: the new candidates, or all when none is new.
  const [firstView, setFirstView] = useState(false);
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
  const info = useLive((a) => a.call('app.info', {}), ['projects']);
  const project = info.data?.project ? `${info.data.project.dir}|${info.data.project.createdAt}` : null;
  const history = useSessionHistory(project);
  const labels = useLive((a) => a.call('label.summary', {}), ['candidates', 'labels']);
  const { refresh } = pages;
  useApiEvents((e) => e.type === 'data.changed' && e.entity === 'candidates' && refresh());
  const queryKey = JSON.stringify(query);
  useEffect(() => {
    setFocus(0);
    setAnchor(0);
    setSelected(new Set());
  }, [queryKey]);

  useEffect(() => {
    if (firstView || !counts.data) return;
    setFirstView(true);
    setQuery((q) => firstViewQuery(q, counts.data!));
  }, [counts.data, firstView]);

  // Only what the page shows, so that pages loading during a scroll re-render the grid and not the page around it.
  const count = useCandidatePagesValue(pages, (p) => p.total ?? p.items.length);
  const totalKnown = useCandidatePagesValue(pages, (p) => p.total !== null);
  const focusedRow = useCandidatePagesValue(pages, (p) => p.items[focus]);
  const pagesError = useCandidatePagesValue(pages, (p) => p.error);
  const run = async (what: Promise<unknown>) => {
    setError(undefined);
    try {
      await what;
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const targetIds = () => (selected.size ? [...selected] : focusedRow ? [focusedRow.id] : []);
  const decide = (status: CandidateStatus) => {
    const ids = targetIds();
    if (!ids.length) return;
    const verb = status === 'accepted' ? 'accept' : 'reject';
    void run(
      api.call('curation.decide', { target: { type: 'ids', ids }, decision: { status } }).then((r) => {
        if (r.changed > 0) history.record({ batch: r.batch, description: `${verb} ${idsText(ids)}` });
        setToast(r.changed > 0 ? `${status === 'accepted' ? 'Accepted' : 'Rejected'} ${idsText(ids)} · U to undo` : `${idsText(ids)} already ${status}`);
        if (selected.size) setSelected(new Set());
        else setFocus((f) => Math.min(f + 1, Math.max(0, count - 1)));
      }),
    );
  };
  const relabel = (l: NegLabel) => {
    const ids = targetIds();
    if (!ids.length) return;
    void run(
      api.call('curation.decide', { target: { type: 'ids', ids }, decision: { labelId: l.id } }).then((r) => {
        if (r.changed > 0) history.record({ batch: r.batch, description: `relabel ${idsText(ids)} as '${l.word}'` });
        if (r.changed === 0) setToast(`${idsText(ids)} already labelled '${l.word}'`);
        else if (r.changed < ids.length) setToast(`Relabelled ${r.changed} of ${idsText(ids)} as '${l.word}' (the others already had it) · U to undo`);
        else setToast(`Relabelled ${idsText(ids)} as '${l.word}' · U to undo`);
      }),
    );
  };
  /** Undo only what this session decided; the project's log also holds other tools' batches, which stay. */
  const undo = () => {
    const step: SessionStep | undefined = history.done[history.done.length - 1];
    if (!step) {
      setToast(`Nothing to undo in this session: ${OUTSIDE}`);
      return;
    }
    setError(undefined);
    api.call('curation.undo', { batch: step.batch }).then(
      (r) => {
        history.undid(step, r.changed > 0);
        if (r.changed === 0) setToast(`Nothing undone: everything in '${step.description}' was changed since by a later action`);
        else setToast(`Undid ${step.description}${r.skipped ? ` (${r.skipped} change${r.skipped === 1 ? '' : 's'} made since by a later action kept)` : ''}`);
      },
      (e: Error) => {
        // Undone meanwhile (another window of this session's project, say): it is no longer this session's to undo.
        if (/already undone|does not exist/.test(e.message)) history.undid(step, false);
        setError(e.message);
      },
    );
  };
  const redo = () => {
    const step: SessionStep | undefined = history.undone[history.undone.length - 1];
    if (!step) {
      setToast('Nothing to redo in this session');
      return;
    }
    setError(undefined);
    api.call('curation.redo', { batch: step.batch }).then(
      (r) => {
        history.redid(step);
        setToast(`Redid ${step.description}${r.skipped ? ` (${r.skipped} change${r.skipped === 1 ? '' : 's'} made since by a later action kept)` : ''}`);
      },
      (e: Error) => {
        if (/not undone|does not exist/.test(e.message)) history.forgetUndone(step);
        setError(e.message);
      },
    );
  };
  const applyBulk = () => {
    if (!bulk) return;
    const status = bulk.status;
    const verb = status === 'accepted' ? 'accept' : 'reject';
    setBulk(null);
    void run(
      api.call('curation.decide', { target: { type: 'filter', filter: query.filter }, decision: { status } }).then((r) => {
        if (r.changed > 0) history.record({ batch: r.batch, description: `${verb} all ${r.changed} in view` });
        setToast(`${status === 'accepted' ? 'Accepted' : 'Rejected'} all ${r.changed} in view · U to undo`);
      }),
    );
  };
  const assignLabels = () =>
    void run(api.call('labels.assign', { scope: 'unlabelled' }).then((r) => setToast(`Label assignment queued as job ${r.jobId} for ${r.candidates} candidate${r.candidates === 1 ? '' : 's'}; it shows under Jobs.`)));

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
    [pages, selected, anchor],
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
        <Button
          disabled={history.done.length === 0}
          onClick={undo}
          data-testid="undo"
          title={history.done.length ? `Undo ${history.done[history.done.length - 1]!.description} (made in this session)` : `Nothing to undo in this session: ${OUTSIDE}`}
          sx={{ maxWidth: 260, '& .what': { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', textTransform: 'none' } }}
        >
          <span className="what">Undo{history.done.length ? ` ${history.done[history.done.length - 1]!.description}` : ''}</span>
        </Button>
        <Button
          disabled={history.undone.length === 0}
          onClick={redo}
          data-testid="redo"
          title={history.undone.length ? `Redo ${history.undone[history.undone.length - 1]!.description}` : 'Nothing to redo in this session'}
          sx={{ textTransform: 'none' }}
        >
          Redo
        </Button>
        <ContactSheetButton />
        <Button onClick={() => setHelp(true)}>Keys (?)</Button>
      </Stack>
      {history.done.length === 0 && undoState.data?.canUndo && (
        <Typography variant="caption" color="text.secondary" data-testid="undo-scope-note">
          Undo covers the decisions made in this session only; {OUTSIDE}.
        </Typography>
      )}
      {(labels.data?.unlabelledCandidates ?? 0) > 0 && (
        <Alert
          severity="warning"
          data-testid="awaiting-labels"
          action={
            labels.data!.selected > 0 ? (
              <Button color="inherit" size="small" onClick={assignLabels} data-testid="assign-unlabelled">
                Assign labels now
              </Button>
            ) : undefined
          }
        >
          {labels.data!.unlabelledCandidates.toLocaleString()} candidate{labels.data!.unlabelledCandidates === 1 ? '' : 's'} awaiting label assignment
          {labels.data!.selected > 0 ? ' (made after the last assignment).' : ': mine negative labels first (Project page), then assign them.'}
        </Alert>
      )}
      <ErrorText error={error ?? pagesError} />
      <SplitPane
        id="curate"
        initial={0.62}
        left={
          count === 0 && totalKnown && firstView ? (
            <EmptyState testId="curate-none-match" text="No candidate matches these filters. Loosen them (status 'Any', all classes, no score ranges) to see more." action="Reset filters" onAction={() => setQuery({ ...DEFAULT_QUERY, filter: {} })} />
          ) : (
            <CandidateGrid pages={pages} pairs={pairs} sort={query.sort} focus={focus} selected={selected} onCellClick={onCellClick} onColumns={onColumns} />
          )
        }
        right={
          focusedRow ? (
            <DetailPanel id={focusedRow.id} labelInput={labelInput} onDecide={decide} onRelabel={relabel} indClasses={classNames} selectedCount={selected.size} />
          ) : (
            <Typography sx={{ p: 2 }}>Click a candidate (or use the arrow keys) to see it in full.</Typography>
          )
        }
      />
      <KeysHelp open={help} onClose={() => setHelp(false)} />
      <Dialog open={!!bulk} onClose={() => setBulk(null)}>
        <DialogTitle>{bulk?.status === 'accepted' ? 'Accept' : 'Reject'} every candidate in this view?</DialogTitle>
        <DialogContent>
          <Typography>
            This {bulk?.status === 'accepted' ? 'accepts' : 'rejects'} all {bulk?.count.toLocaleString()} candidates matching the current filters, as one step that a single undo (in this session) reverts.
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
