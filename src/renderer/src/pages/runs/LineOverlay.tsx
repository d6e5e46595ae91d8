import { useRef } from 'react';
import { Box, Stack, Typography } from '@mui/material';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartExport } from '../../components/ChartExport';
import { ChartLegend, type LegendEntry } from '../../components/ChartLegend';

export interface Series {
  name: string;
  colour: string;
  points: { x: number; y: number }[];
  dashed?: boolean;
}

/**
 * Several x/y series on one numeric axis (training curves of different runs, ROC curves of different sets), each
 * with its own points; with PNG/SVG export.
 */
export function LineOverlay({ title, series, xLabel, yLabel, xDomain, yDomain, exportName, height = 280, diagonal }: {
  title: string;
  series: Series[];
  xLabel: string;
  yLabel: string;
  xDomain?: [number, number];
  yDomain?: [number | 'auto', number | 'auto'];
  exportName: string;
  height?: number;
  /** Draw the chance line y = x (ROC). */
  diagonal?: boolean;
}) {
  const box = useRef<HTMLDivElement>(null);
  const legend: LegendEntry[] = series.map((s) => ({ name: s.name, colour: s.colour, ...(s.dashed ? { dashed: true } : {}) }));
  return (
    <Box ref={box} data-testid={`chart-${exportName}`}>
      <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between' }}>
        <Typography variant="subtitle2">{title}</Typography>
        <ChartExport target={box} name={exportName} legend={legend} />
      </Stack>
      {series.length === 0 ? (
        <Typography variant="body2" color="text.secondary" sx={{ py: 2 }}>
          Nothing to plot yet.
        </Typography>
      ) : (
        <>
          <ChartLegend entries={legend} />
          <ResponsiveContainer width="100%" height={height}>
            <LineChart margin={{ top: 4, right: 16, bottom: 20, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
              <XAxis type="number" dataKey="x" domain={xDomain ?? ['dataMin', 'dataMax']} allowDuplicatedCategory={false} label={{ value: xLabel, position: 'insideBottom', offset: -10 }} tickFormatter={(v: number) => String(Math.round(v * 100) / 100)} />
              <YAxis type="number" domain={yDomain ?? ['auto', 'auto']} label={{ value: yLabel, angle: -90, position: 'insideLeft' }} tickFormatter={(v: number) => String(Math.round(v * 1000) / 1000)} width={60} />
              <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} labelFormatter={(l) => `${xLabel} ${typeof l === 'number' ? Math.round(l * 1000) / 1000 : String(l)}`} />
              {diagonal && <Line data={[{ x: 0, y: 0 }, { x: 1, y: 1 }]} dataKey="y" name="chance" stroke="#999" strokeDasharray="4 4" dot={false} isAnimationActive={false} legendType="none" />}
              {series.map((s) => (
                <Line key={s.name} data={s.points} dataKey="y" name={s.name} stroke={s.colour} strokeDasharray={s.dashed ? '5 3' : undefined} dot={false} isAnimationActive={false} strokeWidth={1.8} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </>
      )}
    </Box>
  );
}
