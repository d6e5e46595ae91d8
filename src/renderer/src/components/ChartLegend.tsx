import { Box, Stack, Typography } from '@mui/material';

export interface LegendEntry {
  name: string;
  colour: string;
  dashed?: boolean;
  /** A filled box (bars) instead of a line sample. */
  box?: boolean;
}

/**
 * A chart's legend in the page flow above the plot: it wraps onto as many rows as it needs and takes their height,
 * so it never lies over the lines (recharts' own legend had a fixed height and overflowed onto the plot).
 */
export function ChartLegend({ entries }: { entries: LegendEntry[] }) {
  if (entries.length === 0) return null;
  return (
    <Stack direction="row" useFlexGap spacing={1.5} sx={{ flexWrap: 'wrap', justifyContent: 'center', px: 1, py: 0.5 }} data-testid="chart-legend">
      {entries.map((e) => (
        <Stack key={e.name} direction="row" spacing={0.5} sx={{ alignItems: 'center' }} className="chart-legend-item" data-colour={e.colour}>
          {e.box ? (
            <Box sx={{ width: 12, height: 12, bgcolor: e.colour, opacity: 0.6, flexShrink: 0 }} />
          ) : (
            <Box component="svg" width={18} height={8} sx={{ flexShrink: 0 }} aria-hidden>
              <line x1={0} y1={4} x2={18} y2={4} stroke={e.colour} strokeWidth={2.2} strokeDasharray={e.dashed ? '5 3' : undefined} />
            </Box>
          )}
          <Typography variant="caption" sx={{ lineHeight: 1.2 }}>
            {e.name}
          </Typography>
        </Stack>
      ))}
    </Stack>
  );
}
