import { useState } from 'react';
import { Button, Card, CardContent, Stack, TextField, Typography } from '@mui/material';
import type { PromptScope } from '../../../../shared/api';
import { useApi } from '../../api/context';
import { ErrorText } from '../../components/ErrorText';

/** Literal find/replace over the current prompts of a class or the selected images; preview first, then apply. */
export function FindReplace({ scope, scopeText }: { scope: PromptScope | null; scopeText: string }) {
  const api = useApi();
  const [find, setFind] = useState('');
  const [replace, setReplace] = useState('');
  const [result, setResult] = useState<string>();
  const [examples, setExamples] = useState<{ before: string; after: string }[]>([]);
  const [error, setError] = useState<string>();
  const run = async (apply: boolean) => {
    if (!scope) return;
    setError(undefined);
    try {
      const r = await api.call('prompt.replace', { scope, find, replace, apply });
      setExamples(apply ? [] : r.examples);
      setResult(apply ? `Replaced in ${r.changed} prompt${r.changed === 1 ? '' : 's'} (each saved as a new human version).` : `${r.matched} prompt${r.matched === 1 ? '' : 's'} would change.`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="subtitle2" gutterBottom>
          Find and replace in {scopeText}
        </Typography>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <TextField label="Find" value={find} onChange={(e) => setFind(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'find-text' } }} />
          <TextField label="Replace with" value={replace} onChange={(e) => setReplace(e.target.value)} slotProps={{ htmlInput: { 'data-testid': 'replace-text' } }} />
          <Button disabled={!scope || !find} onClick={() => void run(false)} data-testid="replace-preview">
            Preview
          </Button>
          <Button variant="contained" disabled={!scope || !find} onClick={() => void run(true)} data-testid="replace-apply">
            Replace
          </Button>
        </Stack>
        {!scope && (
          <Typography variant="caption" color="text.secondary">
            Pick a class or select images first.
          </Typography>
        )}
        <ErrorText error={error} />
        {result && (
          <Typography variant="body2" sx={{ mt: 1 }} data-testid="replace-result">
            {result}
          </Typography>
        )}
        {examples.map((x, i) => (
          <Typography key={i} variant="caption" component="div" color="text.secondary">
            {x.before} → {x.after}
          </Typography>
        ))}
      </CardContent>
    </Card>
  );
}
