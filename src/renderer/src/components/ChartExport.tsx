import { useState, type RefObject } from 'react';
import { Button, Stack, Typography } from '@mui/material';
import { chartSvg, downloadBlob, downloadText, svgToPng } from './download';

/** PNG and SVG buttons for the recharts chart inside `target`. */
export function ChartExport({ target, name }: { target: RefObject<HTMLElement | null>; name: string }) {
  const [error, setError] = useState<string>();
  const svg = () => {
    const text = chartSvg(target.current);
    if (!text) setError('nothing drawn to export yet');
    return text;
  };
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
      <Button
        onClick={() => {
          const t = svg();
          if (t) downloadText(`${name}.svg`, t, 'image/svg+xml');
        }}
      >
        SVG
      </Button>
      <Button
        onClick={() => {
          const t = svg();
          const el = target.current?.querySelector('.recharts-wrapper > svg.recharts-surface');
          if (t && el) svgToPng(t, el.clientWidth || 600, el.clientHeight || 300).then((b) => downloadBlob(`${name}.png`, b), (e: Error) => setError(e.message));
        }}
      >
        PNG
      </Button>
      {error && (
        <Typography variant="caption" color="error">
          {error}
        </Typography>
      )}
    </Stack>
  );
}
