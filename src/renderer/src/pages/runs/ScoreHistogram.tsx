import { useRef } from 'react';
import { Box, Stack, Typography } from '@mui/material';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvaluationCurves } from '../../../../shared/api';
import { ChartExport } from '../../components/ChartExport';
import { ChartLegend, type LegendEntry } from '../../components/ChartLegend';

const IND = '#1f77b4';
const OOD = '#d62728';
const LEGEND: LegendEntry[] = [
  { name: 'InD', colour: IND, box: true },
  { name: 'OOD', colour: OOD, box: true },
];

/** InD vs OOD score counts on the shared bins the evaluation stored, as densities so unequal set sizes compare. */
export function ScoreHistogram({ hist, title, exportName }: { hist: EvaluationCurves['hist']; title: string; exportName: string }) {
  const box = useRef<HTMLDivElement>(null);
  const nIn = hist.ind.reduce((a, b) => a + b, 0) || 1;
  const nOut = hist.ood.reduce((a, b) => a + b, 0) || 1;
  const data = hist.ind.map((c, b) => ({ x: ((hist.edges[b]! + hist.edges[b + 1]!) / 2).toFixed(2), InD: c / nIn, OOD: (hist.ood[b] ?? 0) / nOut }));
  return (
    <Box ref={box} data-testid={`chart-${exportName}`}>
      <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between' }}>
        <Typography variant="subtitle2">{title}</Typography>
        <ChartExport target={box} name={exportName} legend={LEGEND} />
      </Stack>
      <ChartLegend entries={LEGEND} />
      <ResponsiveContainer width="100%" height={260}>
        <BarChart data={data} barGap={0} barCategoryGap={0} margin={{ top: 4, right: 16, bottom: 20, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis dataKey="x" label={{ value: 'score S(x) (higher = more InD)', position: 'insideBottom', offset: -10 }} interval="preserveStartEnd" />
          <YAxis tickFormatter={(v: number) => v.toFixed(2)} width={50} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} />
          <Bar dataKey="InD" fill={IND} fillOpacity={0.6} isAnimationActive={false} />
          <Bar dataKey="OOD" fill={OOD} fillOpacity={0.6} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </Box>
  );
}
