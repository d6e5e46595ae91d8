import { useEffect, useState, type Ref } from 'react';
import { Autocomplete, TextField } from '@mui/material';
import type { NegLabel } from '../../../../shared/api';
import { useApi } from '../../api/context';

/** Autocomplete over the selected negative vocabulary; options are fetched as the user types. */
export function LabelPicker({
  value,
  onChange,
  label,
  inputRef,
  testId,
  width = 260,
}: {
  value: { id: number; word: string } | null;
  onChange: (l: NegLabel | null) => void;
  label: string;
  inputRef?: Ref<HTMLInputElement>;
  testId?: string;
  width?: number;
}) {
  const api = useApi();
  const [input, setInput] = useState('');
  const [options, setOptions] = useState<NegLabel[]>([]);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    // Nothing to fetch until someone opens the list or types: the gallery mounts several of these.
    if (!open && !input) return;
    let alive = true;
    const t = setTimeout(() => {
      api.call('label.search', { query: input, limit: 30 }).then(
        (o) => alive && setOptions(o),
        () => undefined,
      );
    }, 120);
    return () => {
      alive = false;
      clearTimeout(t);
    };
  }, [api, input, open]);
  const current = value ? ({ ...value, pos: 'noun', uses: 0 } as NegLabel) : null;
  return (
    <Autocomplete
      size="small"
      sx={{ width }}
      options={options}
      onOpen={() => setOpen(true)}
      onClose={() => setOpen(false)}
      value={current}
      filterOptions={(x) => x}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      getOptionLabel={(o) => o.word}
      onInputChange={(_, v) => setInput(v)}
      onChange={(_, v) => onChange(v)}
      renderOption={(props, o) => (
        <li {...props} key={o.id}>
          {o.word}
          <span style={{ opacity: 0.6, marginLeft: 8, fontSize: 12 }}>
            {o.pos} · {o.uses} used
          </span>
        </li>
      )}
      renderInput={(params) => (
        <TextField {...params} label={label} inputRef={inputRef} slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps.htmlInput, 'data-testid': testId } }} />
      )}
    />
  );
}
