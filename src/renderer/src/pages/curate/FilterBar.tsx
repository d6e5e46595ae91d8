import { useState } from 'react';
import { Button, FormControl, InputLabel, MenuItem, Popover, Select, Stack, TextField, ToggleButton, ToggleButtonGroup, Tooltip, Typography } from '@mui/material';
import { OBJECTIVE_INFO, RecordedObjective, type CandidateFilter, type CandidateSort, type CandidateStatus, type Objective } from '../../../../shared/api';
import type { IndClass } from '../../api/use-ind-classes';
import { LabelPicker } from './LabelPicker';
import { RANGES, SORTS, type GalleryQuery, type RangeKey } from './filters';

interface Props {
  query: GalleryQuery;
  onQuery: (q: GalleryQuery) => void;
  classes: IndClass[];
  label: { id: number; word: string } | null;
  onLabel: (l: { id: number; word: string } | null) => void;
  pairs: boolean;
  onPairs: (p: boolean) => void;
}

/** Every objective a candidate can carry, including one older projects recorded. */
const OBJECTIVES: { value: Objective; label: string }[] = RecordedObjective.options.map((o) => ({ value: o, label: OBJECTIVE_INFO[o].label }));

function RangeFields({ filter, onFilter }: { filter: CandidateFilter; onFilter: (f: CandidateFilter) => void }) {
  const set = (key: RangeKey, side: 'min' | 'max', text: string) => {
    const r = { ...(filter[key] ?? {}) };
    const v = text.trim() === '' ? undefined : Number(text);
    if (v === undefined || Number.isNaN(v)) delete r[side];
    else r[side] = v;
    const next = { ...filter };
    if (r.min === undefined && r.max === undefined) delete next[key];
    else next[key] = r;
    onFilter(next);
  };
  return (
    <Stack spacing={1} sx={{ p: 2 }}>
      {RANGES.map(({ key, label }) => (
        <Stack key={key} direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <Typography variant="body2" sx={{ width: 140 }}>
            {label}
          </Typography>
          <TextField label="min" type="number" defaultValue={filter[key]?.min ?? ''} onBlur={(e) => set(key, 'min', e.target.value)} sx={{ width: 110 }} slotProps={{ htmlInput: { step: 'any', 'data-testid': `range-${key}-min` } }} />
          <TextField label="max" type="number" defaultValue={filter[key]?.max ?? ''} onBlur={(e) => set(key, 'max', e.target.value)} sx={{ width: 110 }} slotProps={{ htmlInput: { step: 'any', 'data-testid': `range-${key}-max` } }} />
        </Stack>
      ))}
    </Stack>
  );
}

/** Filters (class, status, objective, label, score ranges), sort and view mode of the gallery. */
export function FilterBar({ query, onQuery, classes, label, onLabel, pairs, onPairs }: Props) {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const f = query.filter;
  const setFilter = (patch: Partial<CandidateFilter>) => {
    const next: CandidateFilter = { ...f, ...patch };
    for (const k of Object.keys(next) as (keyof CandidateFilter)[]) if (next[k] === undefined) delete next[k];
    onQuery({ ...query, filter: next });
  };
  const ranges = RANGES.filter((r) => f[r.key]).length;
  return (
    <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }} data-testid="filter-bar">
      <FormControl size="small" sx={{ minWidth: 150 }}>
        <InputLabel>Class</InputLabel>
        <Select label="Class" value={f.classId ?? 'all'} onChange={(e) => setFilter({ classId: e.target.value === 'all' ? undefined : Number(e.target.value) })} data-testid="filter-class">
          <MenuItem value="all">All classes</MenuItem>
          {classes.map((c) => (
            <MenuItem key={c.id} value={c.id}>
              {c.name}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <FormControl size="small" sx={{ minWidth: 120 }}>
        <InputLabel>Status</InputLabel>
        <Select label="Status" value={f.status ?? 'any'} onChange={(e) => setFilter({ status: e.target.value === 'any' ? undefined : (e.target.value as CandidateStatus) })} data-testid="filter-status">
          <MenuItem value="any">Any</MenuItem>
          <MenuItem value="new">New</MenuItem>
          <MenuItem value="accepted">Accepted</MenuItem>
          <MenuItem value="rejected">Rejected</MenuItem>
        </Select>
      </FormControl>
      <FormControl size="small" sx={{ minWidth: 150 }}>
        <InputLabel>Objective</InputLabel>
        <Select label="Objective" value={f.objective ?? 'any'} onChange={(e) => setFilter({ objective: e.target.value === 'any' ? undefined : (e.target.value as Objective) })}>
          <MenuItem value="any">Any</MenuItem>
          {OBJECTIVES.map((o) => (
            <MenuItem key={o.value} value={o.value}>
              {o.label}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <LabelPicker
        label="Negative label"
        width={190}
        value={label}
        scope="all"
        testId="filter-label"
        onChange={(l) => {
          onLabel(l);
          setFilter({ labelId: l?.id });
        }}
      />
      <Button variant={ranges ? 'contained' : 'outlined'} onClick={(e) => setAnchor(e.currentTarget)} data-testid="ranges-button">
        Score ranges{ranges ? ` (${ranges})` : ''}
      </Button>
      <Popover open={!!anchor} anchorEl={anchor} onClose={() => setAnchor(null)} anchorOrigin={{ vertical: 'bottom', horizontal: 'left' }}>
        <RangeFields filter={f} onFilter={(filter) => onQuery({ ...query, filter })} />
      </Popover>
      <FormControl size="small" sx={{ minWidth: 190 }}>
        <InputLabel>Sort by</InputLabel>
        <Select label="Sort by" value={query.sort} onChange={(e) => onQuery({ ...query, sort: e.target.value as CandidateSort })} data-testid="sort-select">
          {SORTS.map((s) => (
            <MenuItem key={s.value} value={s.value}>
              {s.label}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <Tooltip title={query.desc ? 'Highest first' : 'Lowest first'}>
        <Button onClick={() => onQuery({ ...query, desc: !query.desc })} data-testid="sort-dir">
          {query.desc ? '↓ desc' : '↑ asc'}
        </Button>
      </Tooltip>
      <ToggleButtonGroup size="small" exclusive value={pairs ? 'pairs' : 'grid'} onChange={(_, v: string | null) => v && onPairs(v === 'pairs')}>
        <ToggleButton value="grid">Grid</ToggleButton>
        <ToggleButton value="pairs" data-testid="view-pairs">
          Pairs
        </ToggleButton>
      </ToggleButtonGroup>
    </Stack>
  );
}
