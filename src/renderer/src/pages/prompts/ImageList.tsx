import { useEffect, useState } from 'react';
import { Box, Button, Checkbox, Chip, FormControl, InputLabel, List, ListItemButton, MenuItem, Select, Stack, Typography } from '@mui/material';
import type { PromptImage } from '../../../../shared/api';
import { useApi, useApiEvents } from '../../api/context';
import type { IndClass } from '../../api/use-ind-classes';
import { ErrorText } from '../../components/ErrorText';

interface Props {
  classes: IndClass[];
  classId: number | undefined;
  onClass: (id: number | undefined) => void;
  open: number | undefined;
  onOpen: (imageId: number) => void;
  selected: Set<number>;
  onSelected: (s: Set<number>) => void;
}

/** InD training images with their current prompt, a class at a time, paged by keyset on demand. */
export function ImageList({ classes, classId, onClass, open, onOpen, selected, onSelected }: Props) {
  const api = useApi();
  const [items, setItems] = useState<PromptImage[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    api.call('prompt.images', { limit: 100, ...(classId !== undefined ? { classId } : {}) }).then(
      (p) => {
        if (!alive) return;
        setItems(p.items);
        setNext(p.next);
        setError(undefined);
      },
      (e: Error) => alive && setError(e.message),
    );
    return () => {
      alive = false;
    };
  }, [api, classId, tick]);
  useApiEvents((e) => e.type === 'data.changed' && e.entity === 'prompts' && setTick((t) => t + 1));
  const more = async () => {
    if (!next) return;
    const p = await api.call('prompt.images', { limit: 100, after: next, ...(classId !== undefined ? { classId } : {}) });
    setItems((xs) => [...xs, ...p.items]);
    setNext(p.next);
  };
  const toggle = (id: number) => {
    const s = new Set(selected);
    if (s.has(id)) s.delete(id);
    else s.add(id);
    onSelected(s);
  };
  return (
    <Stack spacing={1} sx={{ minHeight: 0, flex: 1 }}>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <FormControl size="small" sx={{ minWidth: 200 }}>
          <InputLabel>Class</InputLabel>
          <Select label="Class" value={classId ?? ''} onChange={(e) => onClass(String(e.target.value) === '' ? undefined : Number(e.target.value))} data-testid="prompt-class">
            <MenuItem value="">All classes</MenuItem>
            {classes.map((c) => (
              <MenuItem key={c.id} value={c.id}>
                {c.name} ({c.imageCount})
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <Button onClick={() => onSelected(new Set(items.map((i) => i.imageId)))}>Select shown</Button>
        <Button disabled={selected.size === 0} onClick={() => onSelected(new Set())}>
          Clear ({selected.size})
        </Button>
      </Stack>
      <ErrorText error={error} />
      <List dense sx={{ overflow: 'auto', flex: 1 }} data-testid="prompt-images">
        {items.map((i) => (
          <ListItemButton key={i.imageId} selected={open === i.imageId} onClick={() => onOpen(i.imageId)} data-testid={`prompt-image-${i.imageId}`} sx={{ gap: 1 }}>
            <Checkbox size="small" checked={selected.has(i.imageId)} onClick={(e) => e.stopPropagation()} onChange={() => toggle(i.imageId)} slotProps={{ input: { 'aria-label': `select ${i.path}` } }} />
            {i.thumbPath ? <img src={api.fileUrl(i.thumbPath)} width={48} height={48} style={{ objectFit: 'cover', borderRadius: 4 }} alt="" loading="lazy" /> : <Box sx={{ width: 48, height: 48, bgcolor: 'action.hover' }} />}
            <Box sx={{ minWidth: 0, flex: 1 }}>
              <Typography variant="body2" noWrap>
                {i.className ?? 'no class'} · {i.path.split('/').pop()}
              </Typography>
              <Typography variant="caption" color="text.secondary" noWrap component="div">
                {i.current ? i.current.prompt : 'no prompt yet — run the describer'}
              </Typography>
            </Box>
            {i.current && <Chip size="small" variant="outlined" label={`v${i.current.version} ${i.current.author}`} />}
          </ListItemButton>
        ))}
        {next && (
          <Box sx={{ textAlign: 'center', py: 1 }}>
            <Button onClick={() => void more()}>Load more</Button>
          </Box>
        )}
      </List>
    </Stack>
  );
}
