import { useEffect, useState } from 'react';
import { Alert, Box, Button, Card, CardContent, Chip, List, ListItem, ListItemText, Stack, TextField, Typography } from '@mui/material';
import { composePrompt, ELEMENT_MAX_CHARS, fitElements, trimNotes, type PromptVersion } from '../../../../shared/api';
import { useApi, useLive } from '../../api/context';
import { ErrorText } from '../../components/ErrorText';
import { when } from '../../format';

/** Who wrote a version, in words: a describer's output is labelled as such until a person edits it. */
function authorText(v: PromptVersion): string {
  return v.author === 'model' ? `Model-written · v${v.version}${v.model ? ` · ${v.model}` : ''}` : `Edited by a person · v${v.version}`;
}

const PROMPT_MAX_CHARS = 500;

/** One image: what the VLM said, its elements as chips, the final prompt, and the version history with revert. */
export function PromptEditor({ imageId }: { imageId: number }) {
  const api = useApi();
  const data = useLive((a) => a.call('prompt.get', { imageId }), ['prompts'], [imageId]);
  const [elements, setElements] = useState<string[]>([]);
  const [prompt, setPrompt] = useState('');
  const [custom, setCustom] = useState(false);
  const [adding, setAdding] = useState('');
  const [editing, setEditing] = useState<number | null>(null);
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState<string>();
  // What had to be cut for the elements to fit prompt.save's limits: by the describer (elements ending in …), or
  // here, for a version stored before the describer did that.
  const [notes, setNotes] = useState<string[]>([]);
  const current = data.data?.versions[0];
  useEffect(() => {
    const fitted = fitElements(current?.elements ?? []);
    setElements(fitted.elements);
    setNotes(current ? [...trimNotes(current.elements, current.rawAnswer), ...fitted.notes] : []);
    setPrompt(current?.prompt ?? '');
    setCustom(current ? current.prompt !== composePrompt(current.elements) : false);
    // Reset the editor when another version is shown, not when the same version is refetched (a new object).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [current?.id]);
  const changeElements = (next: string[]) => {
    setElements(next);
    // The prompt follows the chips until someone writes it by hand.
    if (!custom) setPrompt(composePrompt(next));
  };
  const dirty = current ? JSON.stringify(elements) !== JSON.stringify(current.elements) || prompt !== current.prompt : elements.length > 0 || prompt.length > 0;
  const save = async () => {
    setError(undefined);
    try {
      const v = await api.call('prompt.save', { imageId, elements, prompt });
      setSaved(`Saved as version ${v.version}.`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const revert = async (versionId: number) => {
    setError(undefined);
    try {
      const v = await api.call('prompt.revert', { imageId, versionId });
      setSaved(`Reverted: version ${v.version} now holds that text.`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  if (data.error) return <ErrorText error={data.error} />;
  if (!data.data) return null;
  const { image, filePath, versions } = data.data;
  return (
    <Stack spacing={2} data-testid="prompt-editor">
      <Stack direction="row" spacing={2}>
        <img src={api.fileUrl(filePath)} alt={image.path} style={{ width: 256, height: 256, objectFit: 'contain', borderRadius: 6, background: 'rgba(127,127,127,.15)' }} />
        <Box sx={{ minWidth: 0 }}>
          <Typography variant="h6">{image.className ?? 'no class'}</Typography>
          <Typography variant="body2" color="text.secondary" sx={{ wordBreak: 'break-all' }}>
            {image.path}
          </Typography>
          {current && (
            <Chip
              size="small"
              sx={{ mt: 1 }}
              color={current.author === 'model' ? 'info' : 'secondary'}
              variant={current.author === 'model' ? 'outlined' : 'filled'}
              label={authorText(current)}
              data-testid="prompt-author"
            />
          )}
          <Typography variant="overline" sx={{ display: 'block', mt: 1 }}>
            Model answer {current?.model ? `(${current.model})` : ''}
          </Typography>
          <Typography variant="body2" data-testid="raw-answer">
            {current?.rawAnswer ?? 'No answer recorded: run the describer on this image.'}
          </Typography>
        </Box>
      </Stack>
      {notes.length > 0 && (
        <Alert severity="info" data-testid="prompt-trim-note">
          {notes.map((n, i) => (
            <div key={i}>{n}</div>
          ))}
        </Alert>
      )}
      <Box>
        <Typography variant="overline">Context elements</Typography>
        <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }} data-testid="element-chips">
          {elements.map((el, i) =>
            editing === i ? (
              <TextField
                key={i}
                autoFocus
                defaultValue={el}
                sx={{ width: 160 }}
                slotProps={{ htmlInput: { maxLength: ELEMENT_MAX_CHARS } }}
                onBlur={(e) => {
                  const v = e.target.value.trim();
                  changeElements(v ? elements.map((x, k) => (k === i ? v : x)) : elements.filter((_, k) => k !== i));
                  setEditing(null);
                }}
                onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
              />
            ) : (
              <Chip key={i} label={el} onClick={() => setEditing(i)} onDelete={() => changeElements(elements.filter((_, k) => k !== i))} />
            ),
          )}
          <TextField
            placeholder="add element"
            value={adding}
            sx={{ width: 160 }}
            onChange={(e) => setAdding(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && adding.trim()) {
                changeElements([...elements, adding.trim()]);
                setAdding('');
              }
            }}
            slotProps={{ htmlInput: { 'data-testid': 'add-element', maxLength: ELEMENT_MAX_CHARS } }}
          />
        </Stack>
      </Box>
      <TextField
        label="Final prompt"
        multiline
        minRows={2}
        value={prompt}
        onChange={(e) => {
          setPrompt(e.target.value);
          setCustom(true);
        }}
        helperText={
          !custom
            ? "Built as the official code does: 'A photo only remain ' + first 73 characters of the elements + '.'"
            : current?.author === 'model' && prompt === current.prompt
              ? "Model-written: built from the model's raw answer (its first 73 characters); chip edits do not change it until you rebuild it from the elements."
              : 'Written by hand: chip edits no longer change it.'
        }
        slotProps={{ htmlInput: { 'data-testid': 'final-prompt', maxLength: PROMPT_MAX_CHARS } }}
      />
      <Stack direction="row" spacing={1}>
        <Button variant="contained" disabled={!dirty || !prompt.trim()} onClick={() => void save()} data-testid="prompt-save">
          Save as new version
        </Button>
        <Button
          disabled={!custom}
          onClick={() => {
            setCustom(false);
            setPrompt(composePrompt(elements));
          }}
        >
          Rebuild from elements
        </Button>
      </Stack>
      <ErrorText error={error} />
      {saved && <Typography variant="body2">{saved}</Typography>}
      <Card variant="outlined">
        <CardContent>
          <Typography variant="subtitle2">History</Typography>
          {versions.length === 0 && <Typography variant="body2">No versions yet.</Typography>}
          <List dense data-testid="prompt-history">
            {versions.map((v, i) => (
              <ListItem
                key={v.id}
                data-testid="prompt-version"
                secondaryAction={
                  i > 0 ? (
                    <Button onClick={() => void revert(v.id)} data-testid={`revert-${v.version}`}>
                      Revert
                    </Button>
                  ) : (
                    <Chip size="small" label="current" />
                  )
                }
              >
                <ListItemText
                  primary={
                    <span>
                      <Chip size="small" color={v.author === 'human' ? 'secondary' : 'default'} label={`v${v.version} · ${v.author === 'model' ? 'model-written' : 'human'}`} sx={{ mr: 1 }} />
                      {v.prompt}
                    </span>
                  }
                  secondary={when(v.createdAt)}
                />
              </ListItem>
            ))}
          </List>
        </CardContent>
      </Card>
    </Stack>
  );
}
