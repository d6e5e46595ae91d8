import { useRef, useState, type DragEvent } from 'react';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Link, Menu, MenuItem, Stack, Typography } from '@mui/material';
import type { StudioApi } from '../../../../shared/api';
import { useApi } from '../../api/context';
import { downloadText } from '../../components/download';

/**
 * The reviewer's actions on Compare (issue 16): export a compared run as a bundle, import a bundle (button or drop
 * anywhere on this card) as a read-only foreign run, write the offline HTML report (optionally with a PDF), and the
 * tables with intervals and † marks as Markdown or LaTeX.
 */

/** Bytes per upload piece: base64 in JSON stays well under the browser-mode body limit. */
const CHUNK = 4 * 1024 * 1024;

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function uploadId(): string {
  const b = new Uint8Array(12);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** Sends a dropped or picked bundle in pieces, then imports it; returns the imported run's description. */
export async function importBundleFile(api: StudioApi, file: Blob): Promise<string> {
  const id = uploadId();
  const bytes = new Uint8Array(await file.arrayBuffer());
  for (let off = 0; off < bytes.length; off += CHUNK) await api.call('bundle.upload', { uploadId: id, offset: off, data: base64(bytes.subarray(off, off + CHUNK)) });
  const r = await api.call('bundle.import', { uploadId: id });
  const o = r.origin;
  return r.alreadyImported
    ? `Already imported as run ${r.runId} '${r.name}'.`
    : `Imported '${r.name}' as foreign run ${r.runId}, from ${o.projectName} (${o.projectPath}), exported ${new Date(o.exportedAt).toLocaleString()} by SynOOD Studio ${o.studioVersion}.`;
}

export function ReviewActions({ runIds, baselineId, nameOf }: { runIds: number[]; baselineId: number | undefined; nameOf: (id: number) => string }) {
  const api = useApi();
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ severity: 'success' | 'error'; text: string; link?: { href: string; label: string }[] } | null>(null);
  const [exportMenu, setExportMenu] = useState<HTMLElement | null>(null);
  const [table, setTable] = useState<{ text: string; file: string; format: 'markdown' | 'latex' } | null>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const referenceId = baselineId !== undefined && runIds.includes(baselineId) ? baselineId : runIds[0];

  const run = async (what: string, work: () => Promise<void>) => {
    setBusy(what);
    setMessage(null);
    try {
      await work();
    } catch (e) {
      setMessage({ severity: 'error', text: (e as Error).message });
    } finally {
      setBusy(null);
    }
  };
  const importFile = (file: File) =>
    run('import', async () => {
      setMessage({ severity: 'success', text: await importBundleFile(api, file) });
    });
  const exportRun = (runId: number) =>
    run('export', async () => {
      const r = await api.call('bundle.export', { runId });
      setMessage({ severity: 'success', text: `Wrote ${r.rel ?? r.file} (${(r.bytes / 1024).toFixed(0)} KiB, sha256 ${r.sha256.slice(0, 16)}…).`, link: r.rel ? [{ href: api.fileUrl(r.rel), label: 'Download the bundle' }] : [] });
    });
  const report = (pdf: boolean) =>
    run(pdf ? 'pdf' : 'report', async () => {
      const r = await api.call('report.write', { runIds, ...(referenceId !== undefined ? { referenceId } : {}), pdf });
      const link = [...(r.rel ? [{ href: api.fileUrl(r.rel), label: 'Open the report (HTML)' }] : []), ...(r.pdfRel ? [{ href: api.fileUrl(r.pdfRel), label: `Open the PDF (${r.pdfPages} pages)` }] : [])];
      setMessage({ severity: 'success', text: `Wrote ${r.rel ?? r.file}${r.pdf ? ` and ${r.pdfRel ?? r.pdf}` : ''}: self-contained, opens offline.`, link });
    });
  const tables = (format: 'markdown' | 'latex') =>
    run('tables', async () => {
      const r = await api.call('compare.table', { runIds, ...(referenceId !== undefined ? { referenceId } : {}), format });
      setTable({ ...r, format });
    });
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void importFile(file);
  };

  return (
    <Box
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      data-testid="review-drop"
      sx={{ border: '1px dashed', borderColor: dragging ? 'primary.main' : 'divider', borderRadius: 1, p: 1, mt: 1, bgcolor: dragging ? 'action.hover' : undefined }}
    >
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
        <Button size="small" variant="outlined" disabled={!runIds.length || !!busy} onClick={(e) => setExportMenu(e.currentTarget)} data-testid="export-bundle">
          Export run bundle
        </Button>
        <Menu open={!!exportMenu} anchorEl={exportMenu} onClose={() => setExportMenu(null)}>
          {runIds.map((id) => (
            <MenuItem
              key={id}
              onClick={() => {
                setExportMenu(null);
                void exportRun(id);
              }}
              data-testid={`export-bundle-${id}`}
            >
              {nameOf(id)}
            </MenuItem>
          ))}
        </Menu>
        <Button size="small" variant="outlined" disabled={!!busy} onClick={() => input.current?.click()} data-testid="import-bundle">
          Import run bundle
        </Button>
        <input
          ref={input}
          type="file"
          accept=".synood-run"
          hidden
          data-testid="import-bundle-input"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void importFile(f);
          }}
        />
        <Button size="small" variant="outlined" disabled={!runIds.length || !!busy} onClick={() => void report(false)} data-testid="report-html">
          Report (HTML)
        </Button>
        <Button size="small" variant="outlined" disabled={!runIds.length || !!busy} onClick={() => void report(true)} data-testid="report-pdf">
          Report + PDF
        </Button>
        <Button size="small" disabled={!runIds.length || !!busy} onClick={() => void tables('markdown')} data-testid="stats-markdown">
          Table with intervals (Markdown)
        </Button>
        <Button size="small" disabled={!runIds.length || !!busy} onClick={() => void tables('latex')} data-testid="stats-latex">
          (LaTeX)
        </Button>
        <Typography variant="caption" color="text.secondary">
          {busy ? `Working (${busy})…` : 'Drop a .synood-run bundle here to compare a run from another project.'}
        </Typography>
      </Stack>
      {message && (
        <Alert severity={message.severity} sx={{ mt: 1 }} data-testid="review-message" onClose={() => setMessage(null)}>
          {message.text}
          {message.link?.map((l) => (
            <Link key={l.href} href={l.href} target="_blank" rel="noreferrer" sx={{ ml: 1 }}>
              {l.label}
            </Link>
          ))}
        </Alert>
      )}
      <Dialog open={!!table} onClose={() => setTable(null)} maxWidth="lg" fullWidth>
        <DialogTitle>Table with intervals (saved as {table?.file})</DialogTitle>
        <DialogContent>
          <Box component="pre" sx={{ fontSize: 12, overflow: 'auto', p: 1, bgcolor: 'action.hover', borderRadius: 1 }} data-testid="stats-text">
            {table?.text}
          </Box>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => table && void navigator.clipboard?.writeText(table.text)}>Copy</Button>
          <Button onClick={() => table && downloadText(table.file.split('/').pop()!, table.text, table.format === 'latex' ? 'application/x-tex' : 'text/markdown')}>Download</Button>
          <Button onClick={() => setTable(null)}>Close</Button>
        </DialogActions>
      </Dialog>
    </Box>
  );
}
