import { Box, Stack, Typography } from '@mui/material';

interface Props {
  id: number;
  sourceClassName: string | null;
  sourceFilePath: string | null;
  /** Iteration 1's decode: the same seed before any guidance update; null for candidates made without it. */
  unguidedFilePath: string | null;
  guidedFilePath: string;
  fileUrl: (rel: string) => string;
}

const IMAGE_STYLE = { width: '100%', aspectRatio: '1', objectFit: 'contain', borderRadius: 6, background: 'rgba(127,127,127,.15)', display: 'block' } as const;

function Panel({ testId, title, hint, children }: { testId: string; title: string; hint: string; children: React.ReactNode }) {
  return (
    <Box component="figure" data-testid={testId} sx={{ flex: 1, minWidth: 0, m: 0 }}>
      {/* One line each, so the three images stay aligned; the hint says the rest on hover. */}
      <Typography variant="caption" component="figcaption" noWrap title={hint} sx={{ display: 'block' }}>
        {title}
      </Typography>
      {children}
    </Box>
  );
}

/**
 * Source · unguided · guided, side by side: what guidance changed is the difference between the last two (same
 * seed, same prompt), and how far the candidate left its class is the difference from the first.
 */
export function ComparisonStrip({ id, sourceClassName, sourceFilePath, unguidedFilePath, guidedFilePath, fileUrl }: Props) {
  const placeholder = (text: string) => (
    <Box sx={{ ...IMAGE_STYLE, display: 'flex', alignItems: 'center', justifyContent: 'center', p: 1 }}>
      <Typography variant="body2" color="text.secondary" sx={{ textAlign: 'center' }}>
        {text}
      </Typography>
    </Box>
  );
  return (
    <Stack direction="row" spacing={1} role="group" aria-label={`candidate ${id}: source, unguided and guided images`} data-testid="comparison">
      <Panel testId="comparison-source" title={`Source: ${sourceClassName ?? '—'}`} hint="The in-distribution image the candidate was generated from">
        {sourceFilePath ? <img src={fileUrl(sourceFilePath)} alt={`source image${sourceClassName ? ` (${sourceClassName})` : ''}`} style={IMAGE_STYLE} /> : placeholder('No source image (text-to-image candidate).')}
      </Panel>
      <Panel testId="comparison-unguided" title="Unguided" hint="Iteration 1: the same seed and prompt before any guidance update">
        {unguidedFilePath ? (
          <img src={fileUrl(unguidedFilePath)} alt={`candidate ${id} unguided: the same seed before any guidance update`} style={IMAGE_STYLE} />
        ) : (
          placeholder('Not recorded: generated before unguided images were kept, or with them turned off.')
        )}
      </Panel>
      <Panel testId="comparison-guided" title="Guided" hint="The candidate: the last iteration, after the guidance updates">
        <img src={fileUrl(guidedFilePath)} alt={`candidate ${id} guided, full size`} style={IMAGE_STYLE} />
      </Panel>
    </Stack>
  );
}
