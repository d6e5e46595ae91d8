import { useState } from 'react';
import { Alert, Button, Link, Snackbar } from '@mui/material';
import { useApi } from '../../api/context';

type Outcome = { severity: 'success'; text: string; href: string | null } | { severity: 'error'; text: string };

/** Writes a contact sheet (source · unguided · guided, a few candidates per class) under the project's exports/. */
export function ContactSheetButton() {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const write = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const r = await api.call('export.sheet', {});
      const missing = r.withoutUnguided ? `; ${r.withoutUnguided} without an unguided image (grey)` : '';
      setOutcome({ severity: 'success', text: `Contact sheet: ${r.rows} candidates of ${r.classes} classes${missing}, ${r.rel ?? r.file}`, href: r.rel ? api.fileUrl(r.rel) : null });
    } catch (e) {
      setOutcome({ severity: 'error', text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button disabled={busy} onClick={write} data-testid="contact-sheet" title="A PNG with a few candidates per class: source · unguided · guided, captioned with class and scores (under exports/)">
        Contact sheet
      </Button>
      <Snackbar open={!!outcome} onClose={() => setOutcome(null)} anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}>
        {outcome ? (
          <Alert severity={outcome.severity} onClose={() => setOutcome(null)} data-testid="contact-sheet-result">
            {outcome.text}
            {outcome.severity === 'success' && outcome.href ? (
              <>
                {' '}
                <Link href={outcome.href} target="_blank" rel="noreferrer">
                  Open it
                </Link>
              </>
            ) : null}
          </Alert>
        ) : undefined}
      </Snackbar>
    </>
  );
}
