import { useEffect, useMemo, useState, type Ref } from 'react';
import { Autocomplete, TextField } from '@mui/material';
import type { NegLabel } from '../../../../shared/api';
import { useApi } from '../../api/context';

/** An InD class shown in the list as a hint only: a candidate that still shows its class is rejected, not labelled. */
type Option = NegLabel & { indClass?: boolean };

/**
 * Autocomplete over the negative labels; options are fetched as the user types. `scope` 'all' searches every mined
 * word (the selected vocabulary first), 'selected' the selected vocabulary only. With `indClasses`, InD class names
 * that match the text are listed too, disabled, and a negative label that is also an InD class name says so.
 */
export function LabelPicker({
  value,
  onChange,
  label,
  inputRef,
  testId,
  width = 260,
  scope = 'selected',
  indClasses,
  helperText,
}: {
  value: { id: number; word: string } | null;
  onChange: (l: NegLabel | null) => void;
  label: string;
  inputRef?: Ref<HTMLInputElement>;
  testId?: string;
  width?: number;
  scope?: 'selected' | 'all';
  indClasses?: string[];
  helperText?: string;
}) {
  const api = useApi();
  // What the user typed; the label of the current value shown in the box is not a query (it would offer only itself).
  const [query, setQuery] = useState('');
  const [options, setOptions] = useState<NegLabel[]>([]);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    // Nothing to fetch until someone opens the list or types: the gallery mounts several of these.
    if (!open && !query) return;
    let alive = true;
    const t = setTimeout(() => {
      api.call('label.search', { query, limit: 30, scope }).then(
        (o) => alive && setOptions(o),
        () => undefined,
      );
    }, 120);
    return () => {
      alive = false;
      clearTimeout(t);
    };
  }, [api, query, open, scope]);
  // One object per value: a new object on every render reads to Autocomplete as a new value, and it resets the
  // text the user is typing back to the value's label.
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by id and word, not by the value object (see above)
  const current = useMemo<Option | null>(() => (value ? { id: value.id, word: value.word, pos: 'noun', uses: 0 } : null), [value?.id, value?.word]);
  const ind = useMemo(() => new Set((indClasses ?? []).map((c) => c.toLowerCase())), [indClasses]);
  const shown = useMemo<Option[]>(() => {
    const q = query.trim().toLowerCase();
    const hints: Option[] = q ? (indClasses ?? []).filter((c) => c.toLowerCase().includes(q)).map((c, i) => ({ id: -1 - i, word: c, pos: 'noun', uses: 0, indClass: true })) : [];
    const list: Option[] = [...options, ...hints.filter((h) => !options.some((o) => o.word.toLowerCase() === h.word.toLowerCase()))];
    // The current value stays an option, so the box can show it while the list holds other words.
    return current && !list.some((o) => o.id === current.id) ? [current, ...list] : list;
  }, [options, indClasses, query, current]);
  return (
    <Autocomplete<Option>
      size="small"
      sx={{ width }}
      options={shown}
      onOpen={() => setOpen(true)}
      onClose={() => setOpen(false)}
      value={current}
      filterOptions={(x) => x}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      getOptionLabel={(o) => o.word}
      getOptionDisabled={(o) => !!o.indClass}
      onInputChange={(_, v, reason) => setQuery(reason === 'input' ? v : '')}
      onChange={(_, v) => {
        if (v?.indClass) return;
        setQuery('');
        onChange(v ? { id: v.id, word: v.word, pos: v.pos, uses: v.uses, ...(v.selected !== undefined ? { selected: v.selected } : {}) } : null);
      }}
      renderOption={(props, o) => (
        <li {...props} key={o.id}>
          {o.word}
          <span style={{ opacity: 0.6, marginLeft: 8, fontSize: 12 }}>
            {o.indClass
              ? 'InD class — reject the candidate instead'
              : `${o.pos} · ${o.uses} used${o.selected === false ? ' · not in the selected vocabulary' : ''}${ind.has(o.word.toLowerCase()) ? ' · also an InD class' : ''}`}
          </span>
        </li>
      )}
      renderInput={(params) => (
        <TextField
          {...params}
          label={label}
          inputRef={inputRef}
          helperText={helperText}
          slotProps={{ ...params.slotProps, htmlInput: { ...params.slotProps.htmlInput, 'data-testid': testId } }}
        />
      )}
    />
  );
}
