import { useState, type RefObject } from 'react';
import { Button, Stack, Typography } from '@mui/material';
import { chartSvg, downloadBlob, downloadText, svgToPng } from './download';
import type { LegendEntry } from './ChartLegend';

/** PNG and SVG buttons for the recharts chart inside `target`; both carry the chart's legend. */
export function ChartExport({ target, name, legend }: { target: RefObject<HTMLElement | null>; name: string; legend: LegendEntry[] }) {
  const [error, setError] = useState<string>();
  const svg = () => {
    const drawn = chartSvg(target.current, legend);
    if (!drawn) setError('nothing drawn to export yet');
    else setError(undefined);
    return drawn;
  };
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
      <Button
        onClick={() => {
          const d = svg();
          if (d) downloadText(`${name}.svg`, d.text, 'image/svg+xml');
        }}
      >
        SVG
      </Button>
      <Button
        onClick={() => {
          const d = svg();
          if (d) svgToPng(d.text, d.width, d.height).then((b) => downloadBlob(`${name}.png`, b), (e: Error) => setError(e.message));
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
