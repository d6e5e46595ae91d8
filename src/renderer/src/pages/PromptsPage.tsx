import { useState } from 'react';
import { Button, Stack, Typography } from '@mui/material';
import type { PromptScope } from '../../../shared/api';
import { useApi } from '../api/context';
import { useIndClasses } from '../api/use-ind-classes';
import type { PageId } from '../navigation';
import { EmptyState } from '../components/EmptyState';
import { ErrorText } from '../components/ErrorText';
import { SplitPane } from '../components/SplitPane';
import { ImageList } from './prompts/ImageList';
import { PromptEditor } from './prompts/PromptEditor';
import { FindReplace } from './prompts/FindReplace';

export function PromptsPage({ onNavigate }: { onNavigate: (p: PageId) => void }) {
  const api = useApi();
  const classes = useIndClasses();
  const [classId, setClassId] = useState<number>();
  const [open, setOpen] = useState<number>();
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<string>();
  if (classes && classes.length === 0)
    return <EmptyState text="No in-distribution training images yet. Import an ImageFolder with the role 'InD train' first; its images then get context prompts here." action="Go to Datasets" onAction={() => onNavigate('datasets')} />;
  const scope: PromptScope | null = selected.size ? { type: 'images', ids: [...selected] } : classId !== undefined ? { type: 'class', classId } : null;
  const scopeText = selected.size ? `the ${selected.size} selected image${selected.size === 1 ? '' : 's'}` : classId !== undefined ? `class '${classes?.find((c) => c.id === classId)?.name ?? classId}'` : 'a class or a selection';
  const describe = async () => {
    setError(undefined);
    try {
      const r = await api.call('prompt.describe', { imageIds: [...selected] });
      setMessage(`Describer queued as job ${r.jobId}; it shows under Jobs.`);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <Stack spacing={1.5} sx={{ flex: 1, minHeight: 0 }} data-testid="prompts-page">
      <FindReplace scope={scope} scopeText={scopeText} />
      <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
        <Button variant="outlined" disabled={selected.size === 0} onClick={() => void describe()} data-testid="describe-selection">
          Re-run describer on selection ({selected.size})
        </Button>
        {message && <Typography variant="body2">{message}</Typography>}
      </Stack>
      <ErrorText error={error} />
      <SplitPane
        id="prompts"
        initial={0.42}
        left={<ImageList classes={classes ?? []} classId={classId} onClass={setClassId} open={open} onOpen={setOpen} selected={selected} onSelected={setSelected} />}
        right={open !== undefined ? <PromptEditor imageId={open} /> : <Typography sx={{ p: 2 }}>Pick an image on the left to see and edit its prompt.</Typography>}
      />
    </Stack>
  );
}
