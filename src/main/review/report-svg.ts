/**
 * Inline SVG charts for the report: no script, no external font or stylesheet, so the HTML renders the same offline,
 * in any browser and in Chromium's print to PDF.
 */

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#393b79', '#637939'];
export const colourOf = (i: number) => PALETTE[i % PALETTE.length]!;

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : Number(v.toPrecision(3)).toString());

export interface LineSeries {
  name: string;
  colour: string;
  points: { x: number; y: number }[];
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  xDomain?: [number, number];
  yDomain?: [number, number];
  diagonal?: boolean;
  width?: number;
  height?: number;
}

function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** At most `max` points, evenly spaced by index, both ends kept. */
function thin(points: { x: number; y: number }[], max = 400) {
  if (points.length <= max) return points;
  return Array.from({ length: max }, (_, i) => points[Math.round((i * (points.length - 1)) / (max - 1))]!);
}

export function lineChart(series: LineSeries[], o: LineChartOptions): string {
  const W = o.width ?? 460;
  const H = o.height ?? 300;
  const m = { l: 56, r: 12, t: 28, b: 62 };
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const [x0, x1] = o.xDomain ?? [Math.min(...all.map((p) => p.x), 0), Math.max(...all.map((p) => p.x), 1)];
  let [y0, y1] = o.yDomain ?? [Math.min(...all.map((p) => p.y)), Math.max(...all.map((p) => p.y))];
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) [y0, y1] = [0, 1];
  if (y0 === y1) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((y - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(o.title)}" font-family="sans-serif" font-size="11">`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="16" text-anchor="middle" font-size="12" font-weight="bold">${esc(o.title)}</text>`,
  ];
  for (const t of ticks(x0, x1)) parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/><text x="${px(t)}" y="${H - m.b + 14}" text-anchor="middle">${fmt(t)}</text>`);
  for (const t of ticks(y0, y1)) parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/><text x="${m.l - 4}" y="${py(t) + 4}" text-anchor="end">${fmt(t)}</text>`);
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#999"/>`);
  if (o.diagonal) parts.push(`<line x1="${px(x0)}" y1="${py(y0)}" x2="${px(x1)}" y2="${py(y1)}" stroke="#bbb" stroke-dasharray="4 3"/>`);
  for (const s of series) {
    const pts = thin(s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)));
    if (!pts.length) continue;
    const d = pts.map((p, i) => `${i ? 'L' : 'M'}${px(p.x).toFixed(1)},${py(Math.min(y1, Math.max(y0, p.y))).toFixed(1)}`).join('');
    parts.push(`<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5 3"' : ''}><title>${esc(s.name)}</title></path>`);
  }
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - m.b + 30}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  // Legend under the axis label, wrapping by entry.
  let lx = m.l;
  let ly = H - 14;
  for (const s of series) {
    const w = 24 + Math.min(160, 6.2 * s.name.length);
    if (lx + w > W - m.r && lx > m.l) {
      lx = m.l;
      ly += 13;
    }
    parts.push(`<line x1="${lx}" x2="${lx + 16}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/><text x="${lx + 20}" y="${ly}">${esc(s.name.length > 26 ? `${s.name.slice(0, 25)}…` : s.name)}</text>`);
    lx += w;
  }
  parts.push('</svg>');
  return parts.join('');
}

/** InD and OOD score histograms on their shared bins, overlaid (bar outlines), counts normalised to densities. */
export function histogramChart(h: { edges: number[]; ind: number[]; ood: number[] }, title: string, o: { width?: number; height?: number } = {}): string {
  const W = o.width ?? 300;
  const H = o.height ?? 190;
  const m = { l: 40, r: 8, t: 24, b: 36 };
  const bins = h.ind.length;
  const nIn = h.ind.reduce((a, b) => a + b, 0) || 1;
  const nOut = h.ood.reduce((a, b) => a + b, 0) || 1;
  const dIn = h.ind.map((c) => c / nIn);
  const dOut = h.ood.map((c) => c / nOut);
  const top = Math.max(...dIn, ...dOut, 1e-9);
  const x0 = h.edges[0]!;
  const x1 = h.edges[bins]!;
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - (y / top) * (H - m.t - m.b);
  const bars = (d: number[], colour: string, opacity: number) =>
    d
      .map((v, b) => (v > 0 ? `<rect x="${px(h.edges[b]!).toFixed(1)}" y="${py(v).toFixed(1)}" width="${Math.max(0.5, px(h.edges[b + 1]!) - px(h.edges[b]!)).toFixed(1)}" height="${(H - m.b - py(v)).toFixed(1)}" fill="${colour}" fill-opacity="${opacity}"/>` : ''))
      .join('');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}" font-family="sans-serif" font-size="10">`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="14" text-anchor="middle" font-size="11" font-weight="bold">${esc(title)}</text>`,
    bars(dIn, '#1f77b4', 0.55),
    bars(dOut, '#d62728', 0.45),
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#999"/>`,
    ...ticks(x0, x1, 4).map((t) => `<text x="${px(t)}" y="${H - m.b + 12}" text-anchor="middle">${fmt(t)}</text>`),
    `<text x="${m.l}" y="${H - 6}" fill="#1f77b4">■ InD (${nIn})</text><text x="${m.l + 90}" y="${H - 6}" fill="#d62728">■ OOD (${nOut})</text><text x="${W - m.r}" y="${H - 6}" text-anchor="end">score</text>`,
    '</svg>',
  ].join('');
}
